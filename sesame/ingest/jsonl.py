"""Read JSON-lines catalog files, validating each line and reporting bad ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)

MAX_LINE_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class RecordError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, e.g. ``price.max: price.max (1) is below price.min (2)``."""
    parts = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"]) or "record"
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{location}: {message}")
    return "; ".join(parts)


def read_records(
    path: Path, model: type[T], defaults: dict[str, Any] | None = None
) -> Iterator[tuple[int, T | RecordError]]:
    """Yield ``(line_number, record or error)`` for every non-blank line of ``path``;
    ``defaults`` fill fields a line leaves out."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            yield number, _parse_line(path.name, number, raw, model, defaults or {})


def count_lines(path: Path) -> int:
    """Non-blank lines of ``path`` (what a progress bar counts to)."""
    with path.open("rb") as handle:
        return sum(1 for raw in handle if raw.strip())


def _parse_line(
    name: str, number: int, raw: bytes, model: type[T], defaults: dict[str, Any]
) -> T | RecordError:
    if len(raw) > MAX_LINE_BYTES:
        return RecordError(name, number, f"line is over {MAX_LINE_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return RecordError(name, number, f"not valid JSON ({exc})")
    if not isinstance(data, dict):
        return RecordError(name, number, "expected a JSON object")
    data = {**defaults, **data}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        return RecordError(name, number, describe_validation_error(exc))
