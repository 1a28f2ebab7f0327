"""A bounded load-and-fault run against two Sesame processes on loopback.

    python scripts/soak.py [--seconds 180] [--clients 16] [--products 60]

Two `sesame serve` processes share one data folder (SQLite in WAL mode) on a
small disk (a tmpfs, when run as root). Many clients mix photo and text
searches, sign-ups, translated chat and their own catalog's writes (new products, some
with a photo, and renames). Midway one process is killed with
SIGKILL and restarted; later the small disk is filled for a while, then freed.
It prints requests per kind, statuses, p50/p99, peak RSS per process, the
refusal sentences seen, and how many acknowledged messages and catalog writes are
missing after the run (must be 0). It exits 1 on any unexpected 5xx or lost write. Only
127.0.0.1 is contacted, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from soak_kit import disk
from soak_kit.load import Acknowledged, Client, Workload, run_client, unexpected
from soak_kit.prepare import prepare
from soak_kit.report import kinds_table, reasons, summary
from soak_kit.servers import ServerProcess
from soak_kit.shop import missing_products, open_shop


def main() -> int:
    args = _arguments()
    with tempfile.TemporaryDirectory(prefix="sesame-soak-") as tmp:
        root = Path(tmp)
        with disk.small_disk(root / "data", args.disk_mb) as small:
            return _soak(args, root, small)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the load")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--products", type=int, default=60, help="demo catalog size")
    parser.add_argument("--disk-mb", type=int, default=96, help="size of the small data disk")
    return parser.parse_args()


def _soak(args: argparse.Namespace, root: Path, small: bool) -> int:
    env, workload = prepare(root, products=args.products)
    servers = {name: ServerProcess(name, env, root / f"{name}.log") for name in ("A", "B")}
    for server in servers.values():
        server.start()
    workload.servers = {name: server.url for name, server in servers.items()}
    clients = [_client(number, servers["A"].url, workload) for number in range(args.clients)]
    started = time.monotonic()
    until = started + args.seconds
    threads = [
        threading.Thread(target=run_client, args=(c, workload, until, c.number)) for c in clients
    ]
    for thread in threads:
        thread.start()
    probe = _client(args.clients, servers["A"].url, workload)
    notes = _faults(servers, root / "data", args.seconds, started, small, probe)
    for thread in threads:
        thread.join()
    for server in servers.values():
        server.sample_rss()
    missing = _missing([*clients, probe], servers["A"].url)
    lost = sum(missing_products(servers["A"].url, c.headers, c.shop) for c in clients)
    for server in servers.values():
        server.stop()
    return _report(workload, servers, clients, (missing, lost), notes, time.monotonic() - started)


def _client(number: int, url: str, workload: Workload) -> Client:
    token = httpx.post(f"{url}/v1/accounts", json={"name": f"Buyer {number}", "language": "es"})
    token.raise_for_status()
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    supplier = workload.supplier_ids[number % len(workload.supplier_ids)]
    opened = httpx.post(f"{url}/v1/conversations", json={"supplier_id": supplier}, headers=headers)
    opened.raise_for_status()
    shop = open_shop(url, headers, number)
    return Client(number, token.json()["token"], int(opened.json()["id"]), shop)


def _faults(servers: dict[str, ServerProcess], data: Path, seconds: float, started: float,
            small: bool, probe: Client) -> list[str]:  # fmt: skip
    """Kill -9 and restart B at 45 %; fill the small disk from 70 % to 80 %."""
    notes: list[str] = []
    _wait_until(started + 0.45 * seconds, servers)
    servers["B"].kill()
    killed = time.monotonic()
    servers["B"].start()
    notes.append(f"B killed with SIGKILL and back in {time.monotonic() - killed:.1f} s")
    if not small:
        notes.append("disk fill skipped: mounting a small tmpfs needs root")
        return notes
    _wait_until(started + 0.70 * seconds, servers)
    filler = disk.fill(data)
    notes.append(f"data disk filled for {0.10 * seconds:.0f} s")
    notes.append(_disk_full_probe(servers["A"].url, probe))
    _wait_until(started + 0.80 * seconds, servers)
    filler.unlink()
    return notes


def _disk_full_probe(url: str, client: Client) -> str:
    """Long messages until the database needs space it cannot get: the answer must say so."""
    for number in range(2000):
        response = httpx.post(
            f"{url}/v1/conversations/{client.conversation}/messages",
            json={"text": f"Disk probe {number}: " + "price " * 800}, headers=client.headers,
            timeout=60,
        )  # fmt: skip
        if response.status_code in (200, 201):
            client.acknowledged.append(
                Acknowledged(client.conversation, response.json()["id"],
                             f"Disk probe {number}: " + "price " * 800)
            )  # fmt: skip
            continue
        detail = response.json().get("detail", "")
        return f"disk full: write {number + 1} refused with {response.status_code}: {detail}"
    return "disk full: 2000 long messages still fitted (SQLite reused its WAL)"


def _wait_until(moment: float, servers: dict[str, ServerProcess]) -> None:
    while time.monotonic() < moment:
        for server in servers.values():
            server.sample_rss()
        time.sleep(0.5)


def _missing(clients: list[Client], url: str) -> int:
    """Acknowledged messages that cannot be read back (every page of every conversation)."""
    lost = 0
    for client in clients:
        seen: dict[int, str] = {}
        before: int | None = None
        while True:
            params = {"limit": 100} | ({"before": before} if before else {})
            page = httpx.get(
                f"{url}/v1/conversations/{client.conversation}/messages",
                params=params, headers=client.headers, timeout=60,
            ).json()  # fmt: skip
            seen |= {m["id"]: m["original_text"] for m in page["messages"]}
            before = page["next_before"]
            if before is None:
                break
        lost += sum(1 for ack in client.acknowledged if seen.get(ack.message_id) != ack.text)
    return lost


def _report(workload: Workload, servers: dict[str, ServerProcess], clients: list[Client],
            lost: tuple[int, int], notes: list[str], seconds: float) -> int:  # fmt: skip
    outcomes = workload.outcomes
    bad = sum(map(unexpected, outcomes))
    acknowledged = sum(len(c.acknowledged) for c in clients)
    products = sum(len(c.shop.titles) for c in clients)
    missing, missing_products = lost
    print(f"\nSoak: {len(clients)} clients, {seconds:.0f} s; {summary(outcomes, seconds)}")
    print(*notes, sep="\n")
    print(*kinds_table(outcomes), sep="\n")
    print("refusals seen:", *reasons(outcomes), sep="\n")
    for server in servers.values():
        print(f"peak RSS {server.name}: {server.peak_rss_mb:.0f} MB")
    print(f"unexpected 5xx: {bad}")
    print(f"acknowledged messages: {acknowledged}, missing after the run: {missing}")
    print(f"acknowledged products: {products}, missing or not as renamed: {missing_products}")
    return 1 if bad or missing or missing_products else 0


if __name__ == "__main__":
    sys.exit(main())
