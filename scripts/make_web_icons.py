"""Draw the web app's PNG icons (the SVG is hand-written beside them).

    python scripts/make_web_icons.py

Writes sesame/web/static/icons/icon-192.png, icon-512.png and icon-maskable-512.png:
a sesame seed on the app's green, the maskable one with the safe-zone margin.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "sesame" / "web" / "static" / "icons"
GREEN, CREAM, GOLD = (11, 93, 75), (255, 248, 231), (233, 196, 106)


def seed(size: int, scale: float) -> Image.Image:
    """The seed, drawn upright at 4x and turned by 35 degrees, on a transparent square."""
    big = size * 4
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    c = big / 2
    rx, ry = big * 13 / 64 * scale, big * 21 / 64 * scale
    draw.ellipse((c - rx, c - ry, c + rx, c + ry), fill=CREAM)
    ix, iy = big * 4 / 64 * scale, big * 12 / 64 * scale
    draw.ellipse((c - ix, c - iy, c + ix, c + iy), fill=GOLD)
    return layer.rotate(-35, resample=Image.Resampling.BICUBIC).resize((size, size), Image.LANCZOS)


def icon(size: int, maskable: bool = False) -> Image.Image:
    base = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(base)
    if maskable:  # full bleed; the launcher cuts its own shape
        draw.rectangle((0, 0, size, size), fill=GREEN)
    else:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size * 14 // 64, fill=GREEN)
    base.alpha_composite(seed(size, 0.8 if maskable else 1.0))
    return base


def main() -> None:
    icon(192).save(ICONS / "icon-192.png", optimize=True)
    icon(512).save(ICONS / "icon-512.png", optimize=True)
    icon(512, maskable=True).save(ICONS / "icon-maskable-512.png", optimize=True)
    print(f"icons written to {ICONS}")


if __name__ == "__main__":
    main()
