"""Tokens and tickets are cut out of log records as they are made."""

from __future__ import annotations

import logging

import pytest

from sesame.runtime.logs import install_redaction, redact

TOKEN = "ses_" + "A1b2C3d4E5f6G7h8I9j0" * 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /v1/ws?token={TOKEN} HTTP/1.1" 403', '"GET /v1/ws?token=[redacted] HTTP/1.1" 403'),
        ("GET /v1/ws?ticket=wst_abc&x=1", "GET /v1/ws?ticket=[redacted]&x=1"),
        (f"bearer {TOKEN} refused", "bearer ses_[redacted] refused"),
        ("GET /v1/search/text?query=red", "GET /v1/search/text?query=red"),
    ],
)
def test_secrets_in_a_line_are_redacted(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_every_record_is_redacted_once_installed(caplog: pytest.LogCaptureFixture) -> None:
    install_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s"', "1.2.3.4", "GET", f"/x?token={TOKEN}"
        )
    assert TOKEN not in caplog.text
    assert "token=[redacted]" in caplog.text
