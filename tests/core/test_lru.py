"""The bounded LRU map behind the translation and query-vector caches."""

from __future__ import annotations

import threading

from sesame.core.lru import Lru


def test_it_keeps_the_most_recently_used_and_counts_hits() -> None:
    kept: Lru[str, int] = Lru(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "b" is now the least recently used
    kept.put("c", 3)
    assert kept.get("b") is None
    assert (kept.get("a"), kept.get("c")) == (1, 3)
    assert (kept.hits, kept.misses, len(kept)) == (3, 1, 2)
    kept.clear()
    assert len(kept) == 0


def test_size_zero_keeps_nothing() -> None:
    kept: Lru[str, int] = Lru(0)
    kept.put("a", 1)
    assert kept.get("a") is None


def test_concurrent_writers_never_exceed_the_bound() -> None:
    kept: Lru[int, int] = Lru(50)

    def write(start: int) -> None:
        for i in range(start, start + 500):
            kept.put(i, i)
            kept.get(i - 3)

    threads = [threading.Thread(target=write, args=(n * 1000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(kept) == 50
