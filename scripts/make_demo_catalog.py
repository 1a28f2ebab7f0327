"""Write the synthetic demo catalog: suppliers.jsonl, products.jsonl and images/*.jpg.

Usage: python scripts/make_demo_catalog.py OUT_DIR [--products 300] [--seed 7]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sesame.demo.catalog import MAX_PRODUCTS, generate_demo_catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--products", type=int, default=300, help=f"1 to {MAX_PRODUCTS}")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        summary = generate_demo_catalog(args.out_dir, products=args.products, seed=args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    print(
        f"Wrote {summary.suppliers} suppliers, {summary.products} products and "
        f"{summary.images} images to {summary.out_dir}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
