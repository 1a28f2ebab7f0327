"""Reindex and restart at scale: `sesame reindex` over the stored vectors, then the time
from `sesame serve` to ready with the persisted index, and what the index costs in memory.

Uses the catalog database `scripts/bench_api.py` builds (one photo and one description
vector per product, 512-d; built here when missing), once per HNSW storage:

    nice -n 5 python scripts/bench_restart.py --products 500000 --storages flat sq8

Each restart is timed twice: "cold" after emptying the kernel's page cache (as after a
reboot; needs root, else skipped) and "warm" right after.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import httpx
from bench_api import bench_catalog, wait_ready

from sesame.embeddings.weights import resolve_weights

LOAD_PROBE = """
import resource, sys, time
from pathlib import Path
from sesame.index.faiss_index import FaissIndex, FaissParams
def rss(): return int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize()
before, started = rss(), time.perf_counter()
index = FaissIndex(dim=512, model_id=sys.argv[2], directory=Path(sys.argv[1]),
                   params=FaissParams(hnsw_storage=sys.argv[3]))
took = time.perf_counter() - started
print(index.count(), index.storage, took, rss() - before)
"""


def environment(data: Path, ckpt: Path, port: int, storage: str) -> dict[str, str]:
    return {
        **os.environ,
        "SESAME_DATA_DIR": str(data),
        "SESAME_EMBEDDINGS__MODEL": "ViT-B-32",
        "SESAME_EMBEDDINGS__PRETRAINED": str(ckpt),
        "SESAME_INDEX__HNSW_STORAGE": storage,
        "SESAME_API__PORT": str(port),
        "SESAME_LIMITS__ENABLED": "false",
    }


def reindex(env: dict[str, str], log: Path) -> float:
    started = time.perf_counter()
    with log.open("wb") as out:
        subprocess.run([sys.executable, "-m", "sesame", "reindex"], env=env, check=True,
                       stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    return time.perf_counter() - started


def restart(env: dict[str, str], base: str, log: Path) -> tuple[float, int, float]:
    """Seconds to ready, the server's RSS then, and one text search's latency."""
    process = subprocess.Popen([sys.executable, "-m", "sesame", "serve", "--no-demo"], env=env,
                               stdout=subprocess.DEVNULL, stderr=log.open("wb"))  # fmt: skip
    try:
        ready = wait_ready(base, process, 900)
        statm = Path(f"/proc/{process.pid}/statm").read_text().split()
        rss = int(statm[1]) * resource.getpagesize()
        started = time.perf_counter()
        httpx.post(
            f"{base}/v1/search/text", json={"query": "red mug 1"}, timeout=60
        ).raise_for_status()
        return ready, rss, (time.perf_counter() - started) * 1000
    finally:
        process.terminate()
        process.wait(timeout=120)


def drop_page_cache() -> bool:
    """Empty the kernel's page cache (root only), so the restart reads from disk as after a reboot."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def load_probe(folder: Path, model_id: str, storage: str) -> tuple[int, str, float, int]:
    out = subprocess.run([sys.executable, "-c", LOAD_PROBE, str(folder), model_id, storage],
                         check=True, capture_output=True, text=True).stdout.split()  # fmt: skip
    return int(out[0]), out[1], float(out[2]), int(out[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--products", type=int, default=500_000)
    parser.add_argument("--storages", nargs="+", default=["flat", "sq8"])
    parser.add_argument("--data", type=Path, default=Path(".cache/bench-api"))
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--no-reindex", action="store_true", help="restart on the index there")
    args = parser.parse_args()
    data, ckpt = bench_catalog(args.data, args.products)
    model_id = resolve_weights("ViT-B-32", str(ckpt)).model_id
    base = f"http://127.0.0.1:{args.port}"
    print(f"{2 * args.products:,} vectors ({args.products:,} products), {os.cpu_count()} cores")
    print("| HNSW storage | reindex s | index file B/vec | load s | index RSS B/vec "
          "| page cache | restart ready s | server RSS MB | first text search ms |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |", flush=True)
    for storage in args.storages:
        env = environment(data, ckpt, args.port, storage)
        took = None if args.no_reindex else reindex(env, data / f"reindex-{storage}.log")
        index_file = data / "index" / "faiss_index.npz"
        count, kind, load_s, index_rss = load_probe(index_file.parent, model_id, storage)
        if kind != storage:
            print(f"<!-- {count} vectors: the index is exact (float) below the HNSW size -->")
        figures = (f"| {storage} | {'–' if took is None else f'{took:.0f}'} "
                   f"| {index_file.stat().st_size / count:.0f} | {load_s:.1f} "
                   f"| {index_rss / count:.0f}")  # fmt: skip
        for cache in ("cold", "warm"):
            if cache == "cold" and not drop_page_cache():
                continue  # not root: only the warm figure
            ready, rss, first = restart(env, base, data / f"serve-{storage}-{cache}.log")
            print(f"{figures} | {cache} | {ready:.1f} | {rss / 2**20:.0f} | {first:.0f} |",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
