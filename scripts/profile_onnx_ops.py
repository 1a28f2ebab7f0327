"""Where an ONNX tower's time goes, per operator type, from ONNX Runtime's own profiler.

Runs one ``.onnx`` file (an image tower takes a 224x224 batch of one, a text tower nine
tokens) with the service's session options (2 threads, no spinning, every graph
optimisation), ``--runs`` times, and prints the kernel time per run of each operator type.
This is how the int8 recipe was chosen: ``ConvInteger`` against the fp32 ``Conv`` of the
same patch embedding (docs/benchmarks.md).

    python scripts/profile_onnx_ops.py .cache/bench-api/100000/models/onnx/*/image.int8.onnx
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
import onnxruntime as ort


def profile(path: Path, runs: int, threads: int) -> tuple[Counter[str], Counter[str]]:
    """Microseconds and node count per operator type, summed over ``runs`` runs."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_profiling = True
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    if "image" in path.name:
        feed = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32)
    else:
        feed = np.ones((1, 9), dtype=np.int64)
    for _ in range(runs):
        session.run(None, {name: feed})
    trace = Path(session.end_profiling())
    times: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for event in json.loads(trace.read_text()):
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            times[event["args"]["op_name"]] += event["dur"]
            counts[event["args"]["op_name"]] += 1
    os.remove(trace)
    return times, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    for path in args.model:
        times, counts = profile(path, args.runs, args.threads)
        total = sum(times.values())
        print(f"\n{path}: {total / args.runs / 1000:.2f} ms of kernels per run")
        print("| operator | ms per run | share | nodes |\n| --- | --- | --- | --- |")
        for op, micros in times.most_common(args.top):
            print(f"| {op} | {micros / args.runs / 1000:.2f} | {micros / total:.1%} "
                  f"| {counts[op] // args.runs} |")  # fmt: skip


if __name__ == "__main__":
    main()
