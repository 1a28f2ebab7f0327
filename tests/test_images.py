"""Tests for sesame.images: hostile files from Pillow's test suite, then precise behaviour."""

from __future__ import annotations

import contextlib
import io
import os
import struct
import time
import warnings
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import BmpImagePlugin, GifImagePlugin, Image, ImageFile, TiffImagePlugin

from sesame.errors import InvalidInput, PayloadTooLarge, SesameError, UnsupportedMedia
from sesame.images import MIME_TYPES, CropBox, decode_image, encode_jpeg, image_format

REPO = Path(__file__).resolve().parents[1]
HOSTILE_DIR = Path(
    os.environ.get("SESAME_HOSTILE_IMAGES", REPO.parent / "shared" / "testdata" / "pillow-images")
)
MAX_PIXELS = 50_000_000
MAX_BYTES = 20 * 1024 * 1024
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


def _decode(data: bytes, **overrides: Any) -> Image.Image:
    limits: dict[str, Any] = {"max_pixels": MAX_PIXELS, "max_bytes": MAX_BYTES}
    return decode_image(data, **(limits | overrides))


def _encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _two_colour(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def _noise(size: tuple[int, int] = (256, 256)) -> Image.Image:
    pixels = np.random.default_rng(0).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` but which holds almost no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


# --- Hostile files: decode to RGB or raise a SesameError, never anything else, never hang.


@pytest.mark.timeout(30, method="thread")
@pytest.mark.parametrize("path", _hostile_files())
def test_hostile_file_decodes_to_rgb_or_raises_a_domain_error(path: Path) -> None:
    data = path.read_bytes()
    started = time.perf_counter()
    try:
        image = _decode(data)
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
                _decode(path.read_bytes())
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
    data = bytearray(_encode(_two_colour((48, 32)), fmt))
    for position, value in edits:
        data[position % len(data)] = value
    try:
        image = _decode(bytes(data[: max(cut, 8)]))
    except SesameError:
        return
    assert image.mode == "RGB"


# --- Refused types.


def test_text_is_unsupported_media_listing_the_accepted_types() -> None:
    with pytest.raises(UnsupportedMedia, match="not a recognised image") as caught:
        _decode(b"hello, this is a text file and not a photo\n")
    assert "JPEG, PNG, WebP, HEIC" in caught.value.message


@pytest.mark.parametrize(("fmt", "name"), [("TIFF", "TIFF"), ("GIF", "GIF"), ("BMP", "BMP")])
def test_other_image_types_are_unsupported_media_naming_the_type(fmt: str, name: str) -> None:
    with pytest.raises(UnsupportedMedia, match=f"looks like {name}"):
        _decode(_encode(_two_colour(), fmt))


def test_exotic_decoders_are_never_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    files = [_encode(_two_colour(), fmt) for fmt in ("TIFF", "GIF", "BMP")]

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
            _decode(data)


def test_a_video_container_is_unsupported_media() -> None:
    mp4 = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2" + bytes(64)
    with pytest.raises(UnsupportedMedia, match="isom"):
        _decode(mp4)


# --- Size limits, truncation, corruption.


def test_empty_upload_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="empty") as caught:
        _decode(b"")
    assert type(caught.value) is InvalidInput


def test_upload_over_max_bytes_is_payload_too_large() -> None:
    data = _encode(_noise((64, 64)), "PNG")
    with pytest.raises(PayloadTooLarge, match=f"{len(data):,} bytes; the limit is 1,024"):
        _decode(data, max_bytes=1024)


def test_truncated_jpeg_is_invalid_input_saying_truncated() -> None:
    data = _encode(_noise(), "JPEG", quality=90)
    with pytest.raises(InvalidInput, match="truncated") as caught:
        _decode(data[: len(data) // 2])
    assert type(caught.value) is InvalidInput


def test_huge_png_header_is_payload_too_large_before_allocation() -> None:
    with pytest.raises(PayloadTooLarge, match="10,000,000,000 pixels"):
        _decode(_png_header_only(100_000, 100_000))


def test_pixel_limit_is_checked_from_the_header_before_decoding() -> None:
    # 9000x9000 is under Pillow's own bomb limit, and the file holds no pixel data: loading
    # it would fail as truncated, so PayloadTooLarge proves the check ran before load().
    with pytest.raises(PayloadTooLarge, match="9000x9000 = 81,000,000 pixels") as caught:
        _decode(_png_header_only(9000, 9000))
    assert "50,000,000" in caught.value.message


def test_pillow_bomb_warning_raised_as_error_is_payload_too_large() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(PayloadTooLarge, match="100,000,000 pixels"):
            _decode(_png_header_only(10_000, 10_000), max_pixels=10**9)


def test_real_image_over_the_pixel_limit_names_count_and_limit() -> None:
    with pytest.raises(PayloadTooLarge, match=r"200x200 = 40,000 pixels; the limit is 10,000"):
        _decode(_encode(_two_colour((200, 200)), "JPEG"), max_pixels=10_000)


# --- Orientation.


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_6_turns_the_image_upright(fmt: str) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    image = _decode(_encode(_two_colour((40, 20)), fmt, exif=exif.tobytes()))
    assert image.size == (20, 40)
    # Orientation 6 means "rotate 90° clockwise": the stored left (red) half becomes the top.
    assert _close(image.getpixel((10, 3)), (255, 0, 0))  # type: ignore[arg-type]
    assert _close(image.getpixel((10, 36)), (0, 0, 255))  # type: ignore[arg-type]


def test_broken_exif_leaves_the_image_unrotated() -> None:
    junk_exif = b"Exif\x00\x00MM\x00*\xff\xff\xff\xff" + bytes(range(40))
    image = _decode(_encode(_two_colour((40, 20)), "JPEG", exif=junk_exif))
    assert image.size == (40, 20)


# --- Crop.


def test_crop_inside_the_image_returns_that_region() -> None:
    image = _decode(_encode(_two_colour((100, 50)), "PNG"), crop=CropBox.parse("60,5,20,10"))
    assert image.size == (20, 10)
    assert image.getpixel((0, 0)) == (0, 0, 255)


def test_crop_partly_outside_is_clipped_to_the_image() -> None:
    image = _decode(_encode(_two_colour((100, 50)), "PNG"), crop=CropBox(90, 40, 50, 50))
    assert image.size == (10, 10)


def test_crop_fully_outside_is_invalid_input_naming_size_and_box() -> None:
    with pytest.raises(InvalidInput, match=r"crop box 100,0,5,5 .*100x50 image"):
        _decode(_encode(_two_colour((100, 50)), "PNG"), crop=CropBox(100, 0, 5, 5))


def test_crop_is_in_the_upright_image_coordinates() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    data = _encode(_two_colour((40, 20)), "JPEG", exif=exif.tobytes())
    # y=30 is outside the stored 40x20 image but inside the upright 20x40 one.
    image = _decode(data, crop=CropBox(0, 30, 20, 10))
    assert image.size == (20, 10)
    assert _close(image.getpixel((10, 5)), (0, 0, 255))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,2,3,4", CropBox(1, 2, 3, 4)), (" 0 , 0 , 640 , 480 ", CropBox(0, 0, 640, 480))],
)
def test_crop_parse_accepts_four_whole_numbers(text: str, expected: CropBox) -> None:
    assert CropBox.parse(text) == expected


@pytest.mark.parametrize("text", ["", "a,b,c,d", "1,2,3", "1,2,3,4,5", "1.5,2,3,4", "1e3,0,1,1"])
def test_crop_parse_refuses_garbage(text: str) -> None:
    with pytest.raises(InvalidInput, match='"x,y,w,h"'):
        CropBox.parse(text)


@pytest.mark.parametrize(
    ("text", "message"), [("-1,0,5,5", "negative"), ("0,0,0,5", "no area"), ("0,0,5,-2", "no area")]
)
def test_crop_parse_refuses_negative_or_empty_boxes(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        CropBox.parse(text)


# --- Formats and modes.


def test_heic_round_trip() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    data = _encode(_two_colour((64, 48)), "HEIF", quality=95)
    assert image_format(data) == "HEIF"
    assert MIME_TYPES["HEIF"] == "image/heic"
    image = _decode(data)
    assert (image.mode, image.size) == ("RGB", (64, 48))
    assert _close(image.getpixel((8, 24)), (255, 0, 0), tolerance=30)  # type: ignore[arg-type]
    assert _close(image.getpixel((56, 24)), (0, 0, 255), tolerance=30)  # type: ignore[arg-type]


def test_heic_orientation_is_applied_exactly_once() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[0x0112] = 6
    image = _decode(_encode(_two_colour((40, 20)), "HEIF", exif=exif.tobytes(), quality=95))
    assert image.size == (20, 40)
    assert _close(image.getpixel((10, 3)), (255, 0, 0), tolerance=30)  # type: ignore[arg-type]


def test_avif_round_trip() -> None:
    data = _encode(_two_colour((64, 48)), "AVIF", quality=90)
    assert image_format(data) == "AVIF"
    image = _decode(data)
    assert (image.mode, image.size) == ("RGB", (64, 48))
    assert _close(image.getpixel((8, 24)), (255, 0, 0), tolerance=30)  # type: ignore[arg-type]


def test_decoded_image_is_in_memory_and_independent_of_the_upload() -> None:
    image = _decode(_encode(_two_colour(), "JPEG"))
    assert not isinstance(image, ImageFile.ImageFile)
    assert image.getpixel((0, 0)) is not None


def test_rgba_png_is_flattened_onto_white() -> None:
    rgba = Image.new("RGBA", (3, 1), (255, 0, 0, 0))
    rgba.putpixel((1, 0), (0, 0, 255, 255))
    rgba.putpixel((2, 0), (0, 0, 0, 128))
    image = _decode(_encode(rgba, "PNG"))
    assert image.mode == "RGB"
    assert image.getpixel((0, 0)) == (255, 255, 255)
    assert image.getpixel((1, 0)) == (0, 0, 255)
    assert _close(image.getpixel((2, 0)), (127, 127, 127), tolerance=2)  # type: ignore[arg-type]


def test_palette_png_with_transparency_is_rgb_on_white() -> None:
    palette = Image.new("P", (2, 1), 0)
    palette.putpalette([0, 255, 0, 10, 20, 30])
    palette.putpixel((1, 0), 1)
    image = _decode(_encode(palette, "PNG", transparency=0))
    assert image.getpixel((0, 0)) == (255, 255, 255)
    assert image.getpixel((1, 0)) == (10, 20, 30)


@pytest.mark.parametrize("mode", ["L", "LA", "1", "P"])
def test_grey_and_palette_modes_become_rgb(mode: str) -> None:
    image = _decode(_encode(_two_colour().convert(mode), "PNG"))
    assert (image.mode, image.size) == ("RGB", (40, 20))


def test_sixteen_bit_grey_png_is_scaled_not_clipped() -> None:
    grey = Image.fromarray(np.array([[0, 32768, 65535]], dtype=np.uint16))
    image = _decode(_encode(grey, "PNG"))
    assert [image.getpixel((x, 0)) for x in range(3)] == [(0, 0, 0), (128,) * 3, (255,) * 3]


def test_generated_cmyk_jpeg_becomes_rgb() -> None:
    image = _decode(_encode(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"))
    assert image.mode == "RGB"
    assert _close(image.getpixel((4, 4)), (255, 0, 0))  # type: ignore[arg-type]


def test_pillow_sample_cmyk_jpeg_becomes_rgb() -> None:
    path = HOSTILE_DIR / "pil_sample_cmyk.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not found; set SESAME_HOSTILE_IMAGES")
    with Image.open(path) as original:
        assert original.mode == "CMYK"
    image = _decode(path.read_bytes())
    assert (image.mode, image.size) == ("RGB", (100, 100))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animated_images_use_the_first_frame(fmt: str) -> None:
    red, blue = Image.new("RGB", (8, 8), "red"), Image.new("RGB", (8, 8), "blue")
    data = _encode(red, fmt, save_all=True, append_images=[blue], duration=100)
    assert _close(_decode(data).getpixel((4, 4)), (255, 0, 0))  # type: ignore[arg-type]


@pytest.mark.parametrize(("fmt", "expected"), [("JPEG", "JPEG"), ("PNG", "PNG"), ("WEBP", "WEBP")])
def test_image_format_sniffs_accepted_types(fmt: str, expected: str) -> None:
    assert image_format(_encode(_two_colour(), fmt)) == expected
    assert expected in MIME_TYPES


@pytest.mark.parametrize("data", [b"", b"GIF89a" + bytes(20), b"II*\x00" + bytes(20), b"text"])
def test_image_format_is_none_for_everything_else(data: bytes) -> None:
    assert image_format(data) is None


def test_encode_jpeg_round_trips_and_converts_rgba() -> None:
    data = encode_jpeg(Image.new("RGBA", (10, 6), (0, 128, 0, 255)), quality=80)
    assert image_format(data) == "JPEG"
    image = _decode(data)
    assert image.size == (10, 6)
    assert _close(image.getpixel((5, 3)), (0, 128, 0))  # type: ignore[arg-type]
