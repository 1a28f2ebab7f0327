"""Secrets never reach a log line: tokens and tickets are redacted as records are made.

The redaction is a log-record factory, so it covers every logger and handler,
uvicorn's access log (which prints whole URLs) included.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_SECRET_PARAMS = re.compile(r"(?i)\b(token|ticket|access_token|api_key)=([^&\s\"']+)")
_SECRET_VALUES = re.compile(r"\b(ses|wst)_[A-Za-z0-9_-]{16,}")
_installed = False


def redact(text: str) -> str:
    text = _SECRET_PARAMS.sub(r"\1=[redacted]", text)
    return _SECRET_VALUES.sub(r"\1_[redacted]", text)


def install_redaction() -> None:
    """Redact secrets in every log record from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()  # args may be URLs or other objects, not str
        except (TypeError, ValueError):
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
