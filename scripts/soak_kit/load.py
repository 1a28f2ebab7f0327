"""The load: many clients mixing searches, sign-ups, chat and catalog writes, against two
servers."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from soak_kit.shop import Shop, add_product, rename_product

# Answers that are not failures of the service: refusals with a reason and Retry-After.
EXPECTED_503 = ("busy", "disk is full", "still loading", "database is busy")


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str
    server: str
    status: int  # 0: no answer (connection refused or reset)
    seconds: float
    detail: str = ""
    retry_after: bool = False


@dataclass
class Acknowledged:
    """A message the service answered 201/200 for: it must survive everything."""

    conversation: int
    message_id: int
    text: str


@dataclass
class Client:
    number: int
    token: str
    conversation: int
    shop: Shop
    sent: int = 0
    acknowledged: list[Acknowledged] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Workload:
    """What the clients draw from: servers (by name), photos and queries of the catalog."""

    servers: dict[str, str]
    photos: Sequence[Path]
    queries: Sequence[str]
    supplier_ids: Sequence[str] = ()
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


Op = Callable[[httpx.Client, Client, Workload, random.Random], tuple[str, httpx.Response]]


def text_search(
    http: httpx.Client, client: Client, load: Workload, rng: random.Random
) -> tuple[str, httpx.Response]:
    return "text search", http.post("/v1/search/text", json={"query": rng.choice(load.queries)})


def photo_search(
    http: httpx.Client, client: Client, load: Workload, rng: random.Random
) -> tuple[str, httpx.Response]:
    files = {"image": ("p.jpg", rng.choice(load.photos).read_bytes(), "image/jpeg")}
    return "photo search", http.post("/v1/search/image", files=files)


def sign_up(
    http: httpx.Client, client: Client, load: Workload, rng: random.Random
) -> tuple[str, httpx.Response]:
    body = {"name": f"Soak {client.number}-{rng.randrange(10**9)}", "language": "en"}
    return "sign-up", http.post("/v1/accounts", json=body)


def post_message(
    http: httpx.Client, client: Client, load: Workload, rng: random.Random
) -> tuple[str, httpx.Response]:
    client.sent += 1
    text = f"Soak message {client.number}-{client.sent}: what is the price?"
    key = f"soak-{client.number}-{client.sent}"
    response = http.post(
        f"/v1/conversations/{client.conversation}/messages",
        json={"text": text, "client_id": key},
        headers=client.headers,
    )
    if response.status_code in (200, 201):
        message = response.json()
        client.acknowledged.append(Acknowledged(client.conversation, message["id"], text))
    return "message", response


def read_messages(
    http: httpx.Client, client: Client, load: Workload, rng: random.Random
) -> tuple[str, httpx.Response]:
    url = f"/v1/conversations/{client.conversation}/messages?limit=20"
    return "read messages", http.get(url, headers=client.headers)


def new_product(
    http: httpx.Client, client: Client, load: Workload, rng: random.Random
) -> tuple[str, httpx.Response]:
    photo = rng.choice(load.photos).read_bytes() if rng.random() < 0.5 else None
    return "add product", add_product(http, client.headers, client.shop, photo, client.number)


def rename(
    http: httpx.Client, client: Client, load: Workload, rng: random.Random
) -> tuple[str, httpx.Response]:
    response = rename_product(http, client.headers, client.shop, rng)
    return ("rename product", response) if response else new_product(http, client, load, rng)


OPS: list[tuple[str, Op, float]] = [
    ("text search", text_search, 0.25),
    ("photo search", photo_search, 0.20),
    ("sign-up", sign_up, 0.05),
    ("message", post_message, 0.20),
    ("read messages", read_messages, 0.20),
    ("add product", new_product, 0.05),
    ("rename product", rename, 0.05),
]


def run_client(client: Client, load: Workload, until: float, seed: int) -> None:
    """One client's loop: a random operation against a random server until ``until``."""
    rng = random.Random(seed)
    weights = [weight for _, _, weight in OPS]
    https = {name: httpx.Client(base_url=url, timeout=60) for name, url in load.servers.items()}
    try:
        while time.monotonic() < until:
            name = rng.choice(sorted(https))
            kind, op, _ = rng.choices(OPS, weights=weights)[0]
            load.record(_timed(kind, op, https[name], client, load, rng, name))
    finally:
        for http in https.values():
            http.close()


def _timed(kind: str, op: Op, http: httpx.Client, client: Client, load: Workload,
           rng: random.Random, name: str) -> Outcome:  # fmt: skip
    started = time.monotonic()
    try:
        _, response = op(http, client, load, rng)
    except httpx.TransportError:
        return Outcome(kind, name, 0, time.monotonic() - started)
    detail = response.json().get("detail", "") if response.status_code >= 400 else ""
    return Outcome(kind, name, response.status_code, time.monotonic() - started, str(detail),
                   "retry-after" in response.headers)  # fmt: skip


def unexpected(outcome: Outcome) -> bool:
    """A server error that is not a refusal with a reason and a Retry-After."""
    if outcome.status < 500:
        return False
    explained = any(mark in outcome.detail for mark in EXPECTED_503)
    return not (outcome.status == 503 and outcome.retry_after and explained)
