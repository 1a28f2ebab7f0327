"""One tower run alone, under each ONNX Runtime thread setting, with the other core idle
and with it busy: the floor under a search's time on this CPU, and why the service keeps
two threads without spinning.

Runs the four towers of an export folder (text and image, fp32 and int8; batch of one:
a 224x224 photo, a six-token query) under four session settings, alternating setting by
setting within each round so that drift hits them alike, and prints each one's p50 in ms.
``--busy`` first starts a process that keeps one core busy (another request's work).
The service's setting is the first column: 2 threads, no spinning. "spin" lets the
pool's threads spin between the operators of a run and stop after it
(``session.force_spinning_stop``), so that no setting spins into the next one's run.

    python scripts/bench_ort_threads.py .cache/bench-api/100000/models/onnx/*/ [--busy]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

SETTINGS = [(2, False), (2, True), (1, False), (1, True)]  # threads, spinning within a run
TOKENS = np.array([[49406, 736, 6668, 4843, 272, 49407]], dtype=np.int64)  # start, 4, end


def session(path: Path, threads: int, spin: bool) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    options.add_session_config_entry("session.force_spinning_stop", "1")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def p50s(path: Path, feed: dict[str, NDArray[np.generic]], rounds: int) -> list[float]:
    """Each setting's median ms over ``rounds`` alternating rounds (3 warm-up rounds first)."""
    sessions = [session(path, threads, spin) for threads, spin in SETTINGS]
    times: list[list[float]] = [[] for _ in SETTINGS]
    for n in range(rounds + 3):
        for own, run in zip(times, sessions, strict=True):
            started = time.perf_counter()
            run.run(None, feed)
            if n >= 3:
                own.append((time.perf_counter() - started) * 1000)
    return [statistics.median(own) for own in times]


def _spin_forever() -> None:
    while True:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, help="an export folder: text.onnx, image.onnx, ...")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--busy", action="store_true", help="keep the other core busy")
    args = parser.parse_args()
    busy = multiprocessing.Process(target=_spin_forever, daemon=True) if args.busy else None
    if busy is not None:
        busy.start()
    pixels = np.random.default_rng(0).random((1, 3, 224, 224), dtype=np.float32)
    heads = " | ".join(f"{t} thread{'s' if t > 1 else ''}{', spin' if s else ''}"
                       for t, s in SETTINGS)  # fmt: skip
    print(f"other core {'busy' if busy else 'idle'}; p50 ms of one run")
    print(f"| tower | {heads} |")
    print("| --- |" + " --- |" * len(SETTINGS))
    try:
        for tower, feed in (("text", {"tokens": TOKENS}), ("image", {"pixels": pixels})):
            for suffix in (".int8.onnx", ".onnx"):
                path = args.folder / f"{tower}{suffix}"
                if not path.exists():
                    continue
                rounds = args.rounds if tower == "text" else max(args.rounds // 3, 5)
                cells = " | ".join(f"{ms:.1f}" for ms in p50s(path, feed, rounds))
                print(f"| {tower}{suffix.removesuffix('.onnx')} | {cells} |", flush=True)
    finally:
        if busy is not None:
            busy.terminate()


if __name__ == "__main__":
    main()
