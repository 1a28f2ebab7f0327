"""Tests for sesame.media.images: hostile files from Pillow's test suite, refused types, limits.

The precise behaviour of a decode (orientation, crop, formats) is in test_images_decode.py.
"""

from __future__ import annotations

import contextlib
import struct
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import BmpImagePlugin, GifImagePlugin, Image, TiffImagePlugin

from sesame.core.errors import InvalidInput, PayloadTooLarge, SesameError, UnsupportedMedia
from tests.image_samples import (
    HOSTILE_DIR,
    MAX_PIXELS,
    decode,
    encode,
    noise,
    png_header_only,
    two_colour,
)

PER_FILE_SECONDS = 5.0  # observed worst is ~0.1 s; generous for a loaded CI machine
ALL_FILES_SECONDS = 30.0


def _hostile_files() -> list[Any]:
    if not HOSTILE_DIR.is_dir():
        reason = (
            f"hostile images not found at {HOSTILE_DIR}; set SESAME_HOSTILE_IMAGES or clone "
            "the repo next to shared/ (shared/testdata/pillow-images)"
        )
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="missing")]
    files = sorted(path for path in HOSTILE_DIR.rglob("*") if path.is_file())
    return [pytest.param(path, id=str(path.relative_to(HOSTILE_DIR))) for path in files]


# --- Hostile files: decode to RGB or raise a SesameError, never anything else, never hang.


@pytest.mark.timeout(30, method="thread")
@pytest.mark.parametrize("path", _hostile_files())
def test_hostile_file_decodes_to_rgb_or_raises_a_domain_error(path: Path) -> None:
    data = path.read_bytes()
    started = time.perf_counter()
    try:
        image = decode(data)
    except SesameError:
        pass
    else:
        assert image.mode == "RGB"
        assert image.width * image.height <= MAX_PIXELS
    assert time.perf_counter() - started < PER_FILE_SECONDS


@pytest.mark.timeout(120, method="thread")
def test_all_hostile_files_decode_in_bounded_time_even_with_warnings_as_errors() -> None:
    if not HOSTILE_DIR.is_dir():
        pytest.skip(f"hostile images not found at {HOSTILE_DIR}; set SESAME_HOSTILE_IMAGES")
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's warnings, raised as errors, are mapped too
        for path in sorted(p for p in HOSTILE_DIR.rglob("*") if p.is_file()):
            with contextlib.suppress(SesameError):
                decode(path.read_bytes())
    assert time.perf_counter() - started < ALL_FILES_SECONDS


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(["JPEG", "PNG", "WEBP"]),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    cut=st.integers(1, 10_000),
)
def test_mutated_images_decode_or_raise_a_domain_error(
    fmt: str, edits: list[tuple[int, int]], cut: int
) -> None:
    data = bytearray(encode(two_colour((48, 32)), fmt))
    for position, value in edits:
        data[position % len(data)] = value
    try:
        image = decode(bytes(data[: max(cut, 8)]))
    except SesameError:
        return
    assert image.mode == "RGB"


# --- Refused types.


def test_text_is_unsupported_media_listing_the_accepted_types() -> None:
    with pytest.raises(UnsupportedMedia, match="not a recognised image") as caught:
        decode(b"hello, this is a text file and not a photo\n")
    assert "JPEG, PNG, WebP, HEIC" in caught.value.message


@pytest.mark.parametrize(("fmt", "name"), [("TIFF", "TIFF"), ("GIF", "GIF"), ("BMP", "BMP")])
def test_other_image_types_are_unsupported_media_naming_the_type(fmt: str, name: str) -> None:
    with pytest.raises(UnsupportedMedia, match=f"looks like {name}"):
        decode(encode(two_colour(), fmt))


def test_exotic_decoders_are_never_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    files = [encode(two_colour(), fmt) for fmt in ("TIFF", "GIF", "BMP")]

    def forbidden(self: object) -> None:
        raise AssertionError("an exotic decoder was called")

    for plugin in (
        TiffImagePlugin.TiffImageFile,
        GifImagePlugin.GifImageFile,
        BmpImagePlugin.BmpImageFile,
    ):
        monkeypatch.setattr(plugin, "_open", forbidden)
    for data in files:
        with pytest.raises(UnsupportedMedia):
            decode(data)


def test_a_video_container_is_unsupported_media() -> None:
    mp4 = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2" + bytes(64)
    with pytest.raises(UnsupportedMedia, match="isom"):
        decode(mp4)


# --- Size limits, truncation, corruption.


def test_empty_upload_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="empty") as caught:
        decode(b"")
    assert type(caught.value) is InvalidInput


def test_upload_over_max_bytes_is_payload_too_large() -> None:
    data = encode(noise((64, 64)), "PNG")
    with pytest.raises(PayloadTooLarge, match=f"{len(data):,} bytes; the limit is 1,024"):
        decode(data, max_bytes=1024)


def test_truncated_jpeg_is_invalid_input_saying_truncated() -> None:
    data = encode(noise(), "JPEG", quality=90)
    with pytest.raises(InvalidInput, match="truncated") as caught:
        decode(data[: len(data) // 2])
    assert type(caught.value) is InvalidInput


def test_huge_png_header_is_payload_too_large_before_allocation() -> None:
    with pytest.raises(PayloadTooLarge, match="10,000,000,000 pixels"):
        decode(png_header_only(100_000, 100_000))


def test_pixel_limit_is_checked_from_the_header_before_decoding() -> None:
    # 9000x9000 is under Pillow's own bomb limit, and the file holds no pixel data: loading
    # it would fail as truncated, so PayloadTooLarge proves the check ran before load().
    with pytest.raises(PayloadTooLarge, match="9000x9000 = 81,000,000 pixels") as caught:
        decode(png_header_only(9000, 9000))
    assert "50,000,000" in caught.value.message


def test_pillow_bomb_warning_raised_as_error_is_payload_too_large() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(PayloadTooLarge, match="100,000,000 pixels"):
            decode(png_header_only(10_000, 10_000), max_pixels=10**9)


def test_real_image_over_the_pixel_limit_names_count_and_limit() -> None:
    with pytest.raises(PayloadTooLarge, match=r"200x200 = 40,000 pixels; the limit is 10,000"):
        decode(encode(two_colour((200, 200)), "JPEG"), max_pixels=10_000)
