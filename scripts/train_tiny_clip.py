"""Train the tiny ``sesame-tiny`` open_clip model on synthetic photos and save its state_dict.

Usage: python scripts/train_tiny_clip.py OUT.pt [--seconds 100] [--seed 0] [--max-steps N]
Load it with ``open_clip.create_model_and_transforms("sesame-tiny", pretrained=OUT.pt)``
after ``embeddings.tiny_clip.register_model_configs()``.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from sesame_dev.tiny_clip.trainer import train_tiny_clip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="checkpoint file to write")
    parser.add_argument("--seconds", type=float, default=100.0, help="wall-clock budget")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=None, help="stop after N steps")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    start = time.monotonic()
    train_tiny_clip(args.out, seconds=args.seconds, seed=args.seed, max_steps=args.max_steps)
    print(f"Saved {args.out} after {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
