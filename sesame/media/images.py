"""Safe decoding of uploaded photos: the one place where untrusted image bytes meet Pillow.

Every upload path calls :func:`decode_image`. It sniffs the format from magic bytes and
opens the data with only that format's decoder, so Pillow's exotic decoders (TIFF, SGI,
JPEG 2000, PSD, BLP, DDS, GIF, BMP, ...) are never reached. Accepted: JPEG, PNG, WebP,
HEIC/HEIF (through pillow-heif, registered on first use) and AVIF (Pillow's own plugin).

Limits are checked before pixels are allocated: the byte size first, then the pixel count
from the header. The result is a fully loaded RGB image, turned upright by its EXIF
orientation, with any transparency flattened onto white and the optional crop applied.
Any failure is a :class:`~sesame.core.errors.SesameError` subclass with a message for the
uploader; no other exception escapes.
"""

from __future__ import annotations

import io
import logging
import re
import struct
from dataclasses import dataclass
from typing import Final

import numpy as np
from PIL import ExifTags, Image

from sesame.core.errors import InvalidInput, PayloadTooLarge
from sesame.media.formats import MIME_TYPES, SUFFIXES, accepted_format, image_format
from sesame.media.reduce import draft_jpeg, shrink

__all__ = [
    "MIME_TYPES", "SUFFIXES", "CropBox", "Photo", "decode_image", "decode_photo", "encode_jpeg",
    "image_format",
]  # fmt: skip
logger = logging.getLogger(__name__)

# What Pillow and pillow-heif raise on hostile or damaged data (UnidentifiedImageError is
# an OSError). RuntimeError is libheif's; MemoryError comes from absurd header fields;
# UserWarning is Pillow's "corrupt EXIF"/"malformed MPO" when warnings are made errors.
_DECODE_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    ZeroDivisionError,
    IndexError,
    TypeError,
    KeyError,
    RuntimeError,
    MemoryError,
    UserWarning,
)
_TRANSPOSE: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIXTEEN_BIT_MODES: Final = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})
_CROP_NUMBER = re.compile(r"[+-]?\d{1,9}")
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@dataclass(frozen=True)
class CropBox:
    """A crop rectangle in pixels of the upright (EXIF-rotated) image.

    A box that runs past the right or bottom edge is clipped to the image; a box that
    does not overlap the image at all is refused by :func:`decode_image`.
    """

    x: int
    y: int
    w: int
    h: int

    def __post_init__(self) -> None:
        if min(self.x, self.y) < 0:
            raise InvalidInput(f"The crop box {self} has a negative x or y; use 0 or more.")
        if min(self.w, self.h) <= 0:
            raise InvalidInput(f"The crop box {self} has no area; width and height must be ≥ 1.")

    def __str__(self) -> str:
        return f"{self.x},{self.y},{self.w},{self.h}"

    @classmethod
    def parse(cls, text: str) -> CropBox:
        """Parse the form value ``"x,y,w,h"`` (whole pixels), raising InvalidInput."""
        parts = [part.strip() for part in text.split(",")]
        if len(parts) != 4 or not all(_CROP_NUMBER.fullmatch(part) for part in parts):
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise InvalidInput(
                f'The crop must be four whole numbers "x,y,w,h" in pixels, got {shown!r}.'
            )
        x, y, w, h = (int(part) for part in parts)
        return cls(x, y, w, h)


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """What a stored product photo must fit (the same bounds as a photo search)."""

    max_pixels: int
    max_bytes: int
    min_side: int = 448


@dataclass(frozen=True, slots=True)
class Photo:
    """A decoded photo: upright RGB, and the upright size of the original."""

    image: Image.Image
    width: int
    height: int


def decode_image(
    data: bytes,
    *,
    max_pixels: int,
    max_bytes: int,
    crop: CropBox | None = None,
    min_side: int | None = None,
) -> Image.Image:
    """Decode an uploaded photo into an upright, fully loaded RGB image (see ``decode_photo``)."""
    photo = decode_photo(
        data, max_pixels=max_pixels, max_bytes=max_bytes, crop=crop, min_side=min_side
    )
    return photo.image


def decode_photo(
    data: bytes,
    *,
    max_pixels: int,
    max_bytes: int,
    crop: CropBox | None = None,
    min_side: int | None = None,
) -> Photo:
    """Decode an uploaded photo into an upright, fully loaded RGB image.

    With ``min_side`` the result is reduced (after the crop) to about that many pixels
    on its short side, decoding no more than that needs. Raises UnsupportedMedia (not an
    accepted type), PayloadTooLarge (over ``max_bytes`` or ``max_pixels``) or InvalidInput
    (empty, truncated or corrupt, crop outside the image).
    """
    if not data:
        raise InvalidInput("The upload is empty; attach a JPEG, PNG, WebP or HEIC photo.")
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"The upload is {len(data):,} bytes; the limit is {max_bytes:,} bytes."
        )
    fmt = accepted_format(data)
    try:
        return _decode(data, fmt, max_pixels=max_pixels, crop=crop, min_side=min_side)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb_error(exc, max_pixels) from exc
    except _DECODE_ERRORS as exc:
        logger.info("Refused a corrupt %s upload: %s: %s", fmt, type(exc).__name__, exc)
        raise InvalidInput(
            f"The {fmt} image is truncated or corrupt and cannot be decoded; "
            "export or take the photo again and re-upload it."
        ) from exc


def encode_jpeg(img: Image.Image, quality: int = 90) -> bytes:
    """Encode ``img`` as a baseline JPEG (converted to RGB first if needed)."""
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    buffer = io.BytesIO()
    rgb.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _decode(
    data: bytes, fmt: str, *, max_pixels: int, crop: CropBox | None, min_side: int | None
) -> Photo:
    with Image.open(io.BytesIO(data), formats=[fmt]) as source:
        width, height = source.size
        if width * height > max_pixels:
            raise PayloadTooLarge(
                f"The image is {width}x{height} = {width * height:,} pixels; "
                f"the limit is {max_pixels:,} pixels."
            )
        if min_side is not None:
            region = (crop.w, crop.h) if crop else source.size
            draft_jpeg(source, region, min_side)
        source.load()  # the first frame only, for animated PNG/WebP/HEIF
        image = _upright(source)
        upright = (height, width) if _turned(image, source) else (width, height)
        if crop is not None:
            image = _crop(image, crop, upright)
        if min_side is not None:
            image = shrink(image, min_side)
        # A new image, so it outlives ``source``, which the with block closes.
        return Photo(_to_rgb(image), *upright)


def _turned(image: Image.Image, source: Image.Image) -> bool:
    """Whether the EXIF rotation swapped width and height."""
    return image is not source and image.size == source.size[::-1] != source.size


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; unreadable EXIF leaves the image as stored."""
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except _DECODE_ERRORS as exc:
        logger.debug("Ignoring unreadable EXIF: %s: %s", type(exc).__name__, exc)
        return image
    method = _TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image


def _crop(image: Image.Image, box: CropBox, upright: tuple[int, int]) -> Image.Image:
    """Crop by a box in the original's upright pixels (the image may be decoded smaller)."""
    width, height = upright
    if box.x >= width or box.y >= height:
        raise InvalidInput(
            f"The crop box {box} (x,y,w,h) lies outside the {width}x{height} image "
            "(after EXIF rotation)."
        )
    right, bottom = min(box.x + box.w, width), min(box.y + box.h, height)
    sx, sy = image.size[0] / width, image.size[1] / height
    scaled = (
        int(box.x * sx),
        int(box.y * sy),
        max(int(box.x * sx) + 1, round(right * sx)),
        max(int(box.y * sy) + 1, round(bottom * sy)),
    )
    return image.crop(scaled)


def _to_rgb(image: Image.Image) -> Image.Image:
    """A new RGB image (never ``image`` itself), transparency flattened onto white."""
    if image.mode in _SIXTEEN_BIT_MODES:
        # Pillow clips 16-bit grey to 255 when converting; scale it instead (on a reduced
        # image: a full-size int32 copy of a 48 MP scan would be 190 MB).
        pixels = np.asarray(image, dtype=np.int32).clip(0, 65535) >> 8
        image = Image.fromarray(pixels.astype(np.uint8))
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _bomb_error(exc: Exception, max_pixels: int) -> PayloadTooLarge:
    found = _BOMB_PIXELS.search(str(exc))
    pixels = f"{int(found.group(1)):,} pixels" if found else "too many pixels"
    return PayloadTooLarge(
        f"The image has {pixels}; the limit is {max_pixels:,} pixels (a possible "
        "decompression bomb)."
    )


def check_photo(data: bytes, limits: ImageLimits) -> Photo:
    """``decode_photo`` within ``limits``, reduced for the encoder."""
    return decode_photo(
        data, max_pixels=limits.max_pixels, max_bytes=limits.max_bytes, min_side=limits.min_side
    )
