"""Which image format an upload is, from its magic bytes, and whether we can decode it.

Only the accepted formats are ever handed to a decoder; the refused ones are
recognised only to name them in the refusal message.
"""

from __future__ import annotations

import functools
import logging
import struct
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from PIL import features

from sesame.core.errors import UnsupportedMedia

logger = logging.getLogger(__name__)

#: Accepted formats (Pillow format names, as :func:`image_format` returns them) and their
#: MIME types. ``HEIF`` covers HEIC, which is what phones produce.
MIME_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "JPEG": "image/jpeg",
        "PNG": "image/png",
        "WEBP": "image/webp",
        "HEIF": "image/heic",
        "AVIF": "image/avif",
    }
)
#: File-name suffixes for storing accepted formats.
SUFFIXES: Final[Mapping[str, str]] = MappingProxyType(
    {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic", "AVIF": ".avif"}
)
_ACCEPTED = "JPEG, PNG, WebP, HEIC/HEIF or AVIF"

# Formats we recognise only to name them in the refusal message; none of them is decoded.
_REFUSED_MAGIC: Final = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"8BPS", "Photoshop PSD"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"DDS ", "DDS"),
    (b"BLP1", "BLP"),
    (b"BLP2", "BLP"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000"),
    (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JPEG XL"),
    (b"\xff\x0a", "JPEG XL"),
    (b"icns", "ICNS"),
    (b"\x01\xda", "SGI"),
    (b"qoif", "QOI"),
    (b"%PDF", "PDF"),
    (b"%!PS", "PostScript"),
    (b"\xc5\xd0\xd3\xc6", "EPS"),
    (b"PK\x03\x04", "ZIP archive"),
)
_HEIF_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_AVIF_BRANDS: Final = frozenset({b"avif", b"avis"})
_GENERIC_HEIF_BRANDS: Final = frozenset({b"mif1", b"msf1", b"mif2"})


def image_format(data: bytes) -> str | None:
    """Name the accepted format of ``data`` from its magic bytes (a key of MIME_TYPES), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "WEBP"
    brands = _ftyp_brands(data)
    if not brands:
        return None
    if brands[0] in _AVIF_BRANDS:
        return "AVIF"
    if brands[0] in _HEIF_BRANDS:
        return "HEIF"
    if _AVIF_BRANDS.intersection(brands):
        return "AVIF"
    if (_HEIF_BRANDS | _GENERIC_HEIF_BRANDS).intersection(brands):
        return "HEIF"
    return None


def accepted_format(data: bytes) -> str:
    fmt = image_format(data)
    if fmt is not None and not _decoder_available(fmt):
        raise UnsupportedMedia(f"This server cannot decode {fmt}; upload a JPEG, PNG or WebP.")
    if fmt is not None:
        return fmt
    seen = _describe_refused(data)
    what = f"this looks like {seen}" if seen else "this is not a recognised image"
    raise UnsupportedMedia(f"Unsupported file type: {what}. Upload a {_ACCEPTED} photo.")


def _describe_refused(data: bytes) -> str | None:
    for magic, name in _REFUSED_MAGIC:
        if data.startswith(magic):
            return name
    if data.startswith(b"RIFF"):
        return f"a RIFF {data[8:12].decode('latin-1')!r} file"
    brands = _ftyp_brands(data)
    if brands:
        return f"ISO media (a video?) of brand {brands[0].decode('latin-1')!r}"
    return None


def _ftyp_brands(data: bytes) -> list[bytes]:
    """Major then compatible brands of an ISO-BMFF ``ftyp`` box; empty if there is none."""
    if len(data) < 12 or data[4:8] != b"ftyp":
        return []
    (box_size,) = struct.unpack(">I", data[:4])
    end = min(box_size, len(data), 256)
    compatible = [data[i : i + 4] for i in range(16, end - 3, 4)]
    return [data[8:12], *compatible]


@functools.cache
def _decoder_available(fmt: str) -> bool:
    """Whether Pillow can open ``fmt``; registers pillow-heif on the first HEIF upload."""
    if fmt == "HEIF":
        try:
            from pillow_heif import register_heif_opener
        except ImportError:
            logger.warning("pillow-heif is not installed; HEIC/HEIF uploads are refused.")
            return False
        register_heif_opener()
    elif fmt == "AVIF":
        return bool(features.check("avif"))
    return True
