"""Tests for sesame.media.images: orientation, crop, formats and modes of a decoded image.

Hostile files, refused types and size limits are in test_images_hostile.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFile

from sesame.core.errors import InvalidInput
from sesame.media.images import MIME_TYPES, CropBox, encode_jpeg, image_format
from tests.image_samples import HOSTILE_DIR, close, decode, encode, two_colour

# --- Orientation.


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_6_turns_the_image_upright(fmt: str) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    image = decode(encode(two_colour((40, 20)), fmt, exif=exif.tobytes()))
    assert image.size == (20, 40)
    # Orientation 6 means "rotate 90° clockwise": the stored left (red) half becomes the top.
    assert close(image.getpixel((10, 3)), (255, 0, 0))  # type: ignore[arg-type]
    assert close(image.getpixel((10, 36)), (0, 0, 255))  # type: ignore[arg-type]


def test_broken_exif_leaves_the_image_unrotated() -> None:
    junk_exif = b"Exif\x00\x00MM\x00*\xff\xff\xff\xff" + bytes(range(40))
    image = decode(encode(two_colour((40, 20)), "JPEG", exif=junk_exif))
    assert image.size == (40, 20)


# --- Crop.


def test_crop_inside_the_image_returns_that_region() -> None:
    image = decode(encode(two_colour((100, 50)), "PNG"), crop=CropBox.parse("60,5,20,10"))
    assert image.size == (20, 10)
    assert image.getpixel((0, 0)) == (0, 0, 255)


def test_crop_partly_outside_is_clipped_to_the_image() -> None:
    image = decode(encode(two_colour((100, 50)), "PNG"), crop=CropBox(90, 40, 50, 50))
    assert image.size == (10, 10)


def test_crop_fully_outside_is_invalid_input_naming_size_and_box() -> None:
    with pytest.raises(InvalidInput, match=r"crop box 100,0,5,5 .*100x50 image"):
        decode(encode(two_colour((100, 50)), "PNG"), crop=CropBox(100, 0, 5, 5))


def test_crop_is_in_the_upright_image_coordinates() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(two_colour((40, 20)), "JPEG", exif=exif.tobytes())
    # y=30 is outside the stored 40x20 image but inside the upright 20x40 one.
    image = decode(data, crop=CropBox(0, 30, 20, 10))
    assert image.size == (20, 10)
    assert close(image.getpixel((10, 5)), (0, 0, 255))  # type: ignore[arg-type]


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
    data = encode(two_colour((64, 48)), "HEIF", quality=95)
    assert image_format(data) == "HEIF"
    assert MIME_TYPES["HEIF"] == "image/heic"
    image = decode(data)
    assert (image.mode, image.size) == ("RGB", (64, 48))
    assert close(image.getpixel((8, 24)), (255, 0, 0), tolerance=30)  # type: ignore[arg-type]
    assert close(image.getpixel((56, 24)), (0, 0, 255), tolerance=30)  # type: ignore[arg-type]


def test_heic_orientation_is_applied_exactly_once() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[0x0112] = 6
    image = decode(encode(two_colour((40, 20)), "HEIF", exif=exif.tobytes(), quality=95))
    assert image.size == (20, 40)
    assert close(image.getpixel((10, 3)), (255, 0, 0), tolerance=30)  # type: ignore[arg-type]


def test_avif_round_trip() -> None:
    data = encode(two_colour((64, 48)), "AVIF", quality=90)
    assert image_format(data) == "AVIF"
    image = decode(data)
    assert (image.mode, image.size) == ("RGB", (64, 48))
    assert close(image.getpixel((8, 24)), (255, 0, 0), tolerance=30)  # type: ignore[arg-type]


def test_decoded_image_is_in_memory_and_independent_of_the_upload() -> None:
    image = decode(encode(two_colour(), "JPEG"))
    assert not isinstance(image, ImageFile.ImageFile)
    assert image.getpixel((0, 0)) is not None


def test_rgba_png_is_flattened_onto_white() -> None:
    rgba = Image.new("RGBA", (3, 1), (255, 0, 0, 0))
    rgba.putpixel((1, 0), (0, 0, 255, 255))
    rgba.putpixel((2, 0), (0, 0, 0, 128))
    image = decode(encode(rgba, "PNG"))
    assert image.mode == "RGB"
    assert image.getpixel((0, 0)) == (255, 255, 255)
    assert image.getpixel((1, 0)) == (0, 0, 255)
    assert close(image.getpixel((2, 0)), (127, 127, 127), tolerance=2)  # type: ignore[arg-type]


def test_palette_png_with_transparency_is_rgb_on_white() -> None:
    palette = Image.new("P", (2, 1), 0)
    palette.putpalette([0, 255, 0, 10, 20, 30])
    palette.putpixel((1, 0), 1)
    image = decode(encode(palette, "PNG", transparency=0))
    assert image.getpixel((0, 0)) == (255, 255, 255)
    assert image.getpixel((1, 0)) == (10, 20, 30)


@pytest.mark.parametrize("mode", ["L", "LA", "1", "P"])
def test_grey_and_palette_modes_become_rgb(mode: str) -> None:
    image = decode(encode(two_colour().convert(mode), "PNG"))
    assert (image.mode, image.size) == ("RGB", (40, 20))


def test_sixteen_bit_grey_png_is_scaled_not_clipped() -> None:
    grey = Image.fromarray(np.array([[0, 32768, 65535]], dtype=np.uint16))
    image = decode(encode(grey, "PNG"))
    assert [image.getpixel((x, 0)) for x in range(3)] == [(0, 0, 0), (128,) * 3, (255,) * 3]


def test_generated_cmyk_jpeg_becomes_rgb() -> None:
    image = decode(encode(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"))
    assert image.mode == "RGB"
    assert close(image.getpixel((4, 4)), (255, 0, 0))  # type: ignore[arg-type]


def test_pillow_sample_cmyk_jpeg_becomes_rgb() -> None:
    path = HOSTILE_DIR / "pil_sample_cmyk.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not found; set SESAME_HOSTILE_IMAGES")
    with Image.open(path) as original:
        assert original.mode == "CMYK"
    image = decode(path.read_bytes())
    assert (image.mode, image.size) == ("RGB", (100, 100))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animated_images_use_the_first_frame(fmt: str) -> None:
    red, blue = Image.new("RGB", (8, 8), "red"), Image.new("RGB", (8, 8), "blue")
    data = encode(red, fmt, save_all=True, append_images=[blue], duration=100)
    assert close(decode(data).getpixel((4, 4)), (255, 0, 0))  # type: ignore[arg-type]


@pytest.mark.parametrize(("fmt", "expected"), [("JPEG", "JPEG"), ("PNG", "PNG"), ("WEBP", "WEBP")])
def test_image_format_sniffs_accepted_types(fmt: str, expected: str) -> None:
    assert image_format(encode(two_colour(), fmt)) == expected
    assert expected in MIME_TYPES


@pytest.mark.parametrize("data", [b"", b"GIF89a" + bytes(20), b"II*\x00" + bytes(20), b"text"])
def test_image_format_is_none_for_everything_else(data: bytes) -> None:
    assert image_format(data) is None


def test_encode_jpeg_round_trips_and_converts_rgba() -> None:
    data = encode_jpeg(Image.new("RGBA", (10, 6), (0, 128, 0, 255)), quality=80)
    assert image_format(data) == "JPEG"
    image = decode(data)
    assert image.size == (10, 6)
    assert close(image.getpixel((5, 3)), (0, 128, 0))  # type: ignore[arg-type]
