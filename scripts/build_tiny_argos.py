"""Build tiny phrasebook translation packages (.argosmodel) for tests and offline demos.

    python scripts/build_tiny_argos.py OUT_DIR --pairs es-en,en-es,zh-en,en-zh

Each package is a real Argos package (CTranslate2 model + SentencePiece) trained on
``translation/phrasebook.py``; install one with ``sesame models install PATH``.
Builds are cached by content hash under ``<repo>/.cache/tiny-argos``.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from sesame_dev.tiny_argos.build import build_tiny_package

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--pairs", default="es-en,en-es,zh-en,en-zh")
    parser.add_argument("--cache-dir", type=Path, default=REPO / ".cache" / "tiny-argos")
    parser.add_argument("--no-cache", action="store_true", help="always train from scratch")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    started = time.perf_counter()
    cache = None if args.no_cache else args.cache_dir
    for pair in args.pairs.split(","):
        print(build_tiny_package(pair.strip(), args.out_dir, cache_dir=cache))
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
