"""Print the largest modules and functions, and fail if any is over the limits.

    python scripts/check_sizes.py [--top 10]

Limits: 300 lines per module, 40 lines per function (decorators excluded, the
signature included). Alembic migrations are generated code and are skipped.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOTS = ("sesame", "dev", "tests", "scripts")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def python_files() -> list[Path]:
    files = [p for root in ROOTS for p in (REPO / root).rglob("*.py")]
    return sorted(p for p in files if "migrations" not in p.parts)


def measure(path: Path) -> tuple[int, list[tuple[int, str]]]:
    source = path.read_text(encoding="utf-8")
    functions = [
        (node.end_lineno - node.lineno + 1, f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno
    ]
    return len(source.splitlines()), functions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=8, help="how many of each to print")
    args = parser.parse_args()
    modules: list[tuple[int, str]] = []
    functions: list[tuple[int, str]] = []
    for path in python_files():
        lines, found = measure(path)
        modules.append((lines, str(path.relative_to(REPO))))
        functions += found
    modules.sort(reverse=True)
    functions.sort(reverse=True)
    print(f"largest modules (limit {MAX_MODULE_LINES} lines):")
    for lines, name in modules[: args.top]:
        print(f"  {lines:5d}  {name}")
    print(f"largest functions (limit {MAX_FUNCTION_LINES} lines):")
    for lines, name in functions[: args.top]:
        print(f"  {lines:5d}  {name}")
    over = [m for m in modules if m[0] > MAX_MODULE_LINES]
    over += [f for f in functions if f[0] > MAX_FUNCTION_LINES]
    for lines, name in over:
        print(f"OVER THE LIMIT: {name} ({lines} lines)", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
