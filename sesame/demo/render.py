"""Synthetic product photos drawn with Pillow.

A photo is fully determined by a :class:`ProductLook` (object, colour, pattern)
and an integer ``variation`` that moves, scales and tilts the object and changes
the background tint, the lighting and the sensor noise. Objects are simple flat
shapes, still recognisable at 48x48 pixels, so that a tiny CLIP model can learn them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

ObjectKind = Literal[
    "mug", "bottle", "chair", "table", "lamp", "t-shirt",
    "bag", "shoe", "umbrella", "clock", "vase", "bowl",
]  # fmt: skip
Colour = Literal[
    "red", "blue", "green", "yellow", "black", "white", "orange", "purple", "pink", "brown"
]
Pattern = Literal["plain", "striped", "dotted"]

OBJECTS: tuple[ObjectKind, ...] = get_args(ObjectKind)
COLOURS: tuple[Colour, ...] = get_args(Colour)
PATTERNS: tuple[Pattern, ...] = get_args(Pattern)

RGB = tuple[int, int, int]
COLOUR_RGB: dict[Colour, RGB] = {
    "red": (200, 30, 35),
    "blue": (35, 85, 205),
    "green": (40, 150, 60),
    "yellow": (245, 205, 35),
    "black": (28, 28, 30),
    "white": (246, 246, 243),
    "orange": (245, 125, 20),
    "purple": (120, 45, 165),
    "pink": (245, 135, 185),
    "brown": (120, 72, 38),
}
_TRIM: RGB = (70, 70, 74)
_OUTLINE: RGB = (60, 60, 60)


@dataclass(frozen=True, slots=True)
class ProductLook:
    """What a product looks like: the three attributes that name it."""

    object: ObjectKind
    colour: Colour
    pattern: Pattern


class _Canvas:
    """Two masks (patterned body, dark trim) drawn in unit coordinates of a box."""

    def __init__(self, size: int, box: tuple[float, float, float]) -> None:
        self.body = Image.new("L", (size, size), 0)
        self.trim = Image.new("L", (size, size), 0)
        self._bd, self._td = ImageDraw.Draw(self.body), ImageDraw.Draw(self.trim)
        self._x0, self._y0, self._side = box

    def _pt(self, x: float, y: float) -> tuple[float, float]:
        return self._x0 + x * self._side, self._y0 + y * self._side

    def _xy(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [*self._pt(x0, y0), *self._pt(x1, y1)]

    def _draw(self, trim: bool) -> ImageDraw.ImageDraw:
        return self._td if trim else self._bd

    def rect(self, *xy: float, trim: bool = False, erase: bool = False, r: float = 0) -> None:
        radius = int(r * self._side)
        self._draw(trim).rounded_rectangle(self._xy(*xy), radius=radius, fill=0 if erase else 255)

    def ellipse(self, *xy: float, trim: bool = False, erase: bool = False) -> None:
        self._draw(trim).ellipse(self._xy(*xy), fill=0 if erase else 255)

    def chord(self, *xy: float, start: float, end: float, trim: bool = False) -> None:
        self._draw(trim).chord(self._xy(*xy), start, end, fill=255)

    def arc(self, *xy: float, start: float, end: float, width: float, trim: bool = False) -> None:
        w = max(1, int(width * self._side))
        self._draw(trim).arc(self._xy(*xy), start, end, fill=255, width=w)

    def poly(self, pts: list[tuple[float, float]], trim: bool = False, erase: bool = False) -> None:
        self._draw(trim).polygon([self._pt(x, y) for x, y in pts], fill=0 if erase else 255)


def _mug(c: _Canvas) -> None:
    c.arc(0.52, 0.34, 0.88, 0.72, start=-90, end=90, width=0.08)
    c.rect(0.18, 0.22, 0.7, 0.86, r=0.06)
    c.ellipse(0.2, 0.19, 0.68, 0.27, trim=True)


def _bottle(c: _Canvas) -> None:
    c.rect(0.32, 0.36, 0.68, 0.94, r=0.06)
    c.poly([(0.32, 0.4), (0.43, 0.24), (0.57, 0.24), (0.68, 0.4)])
    c.rect(0.43, 0.14, 0.57, 0.27)
    c.rect(0.41, 0.05, 0.59, 0.15, trim=True, r=0.02)


def _chair(c: _Canvas) -> None:
    c.rect(0.28, 0.04, 0.72, 0.44, r=0.04)
    c.poly([(0.22, 0.58), (0.3, 0.46), (0.7, 0.46), (0.78, 0.58)])
    for x in (0.23, 0.71):
        c.rect(x, 0.56, x + 0.06, 0.96)
    for x in (0.32, 0.62):
        c.rect(x, 0.56, x + 0.05, 0.82)


def _table(c: _Canvas) -> None:
    c.rect(0.04, 0.3, 0.96, 0.4, r=0.02)
    c.rect(0.12, 0.4, 0.88, 0.48)
    for x in (0.1, 0.82):
        c.rect(x, 0.4, x + 0.08, 0.9)


def _lamp(c: _Canvas) -> None:
    c.poly([(0.32, 0.06), (0.68, 0.06), (0.84, 0.44), (0.16, 0.44)])
    c.rect(0.47, 0.44, 0.53, 0.86, trim=True)
    c.ellipse(0.28, 0.82, 0.72, 0.96, trim=True)


def _tshirt(c: _Canvas) -> None:
    c.poly([(0.3, 0.1), (0.7, 0.1), (0.96, 0.3), (0.84, 0.46), (0.74, 0.4),
            (0.74, 0.94), (0.26, 0.94), (0.26, 0.4), (0.16, 0.46), (0.04, 0.3)])  # fmt: skip
    c.ellipse(0.4, 0.02, 0.6, 0.2, erase=True)


def _bag(c: _Canvas) -> None:
    c.arc(0.3, 0.08, 0.7, 0.62, start=180, end=360, width=0.06)
    c.poly([(0.22, 0.36), (0.78, 0.36), (0.9, 0.92), (0.1, 0.92)])
    c.rect(0.44, 0.44, 0.56, 0.52, trim=True)


def _shoe(c: _Canvas) -> None:
    c.poly([(0.06, 0.8), (0.06, 0.3), (0.32, 0.3), (0.44, 0.5), (0.72, 0.56),
            (0.92, 0.64), (0.96, 0.8)])  # fmt: skip
    c.rect(0.04, 0.78, 0.97, 0.9, trim=True, r=0.03)


def _umbrella(c: _Canvas) -> None:
    c.chord(0.04, 0.08, 0.96, 0.84, start=180, end=360)
    for i in range(4):
        x = 0.04 + i * 0.23
        c.ellipse(x, 0.4, x + 0.23, 0.52, erase=True)
    c.rect(0.485, 0.44, 0.515, 0.86, trim=True)
    c.arc(0.36, 0.76, 0.52, 0.94, start=0, end=180, width=0.03, trim=True)


def _clock(c: _Canvas) -> None:
    c.ellipse(0.06, 0.06, 0.94, 0.94)
    c.ellipse(0.24, 0.24, 0.76, 0.76, erase=True)
    c.rect(0.485, 0.3, 0.515, 0.52, trim=True)
    c.rect(0.48, 0.485, 0.7, 0.515, trim=True)
    c.ellipse(0.46, 0.46, 0.54, 0.54, trim=True)


def _vase(c: _Canvas) -> None:
    left = [(0.38, 0.04), (0.4, 0.2), (0.26, 0.4), (0.18, 0.6), (0.24, 0.84), (0.34, 0.96)]
    c.poly(left + [(1 - x, y) for x, y in reversed(left)])


def _bowl(c: _Canvas) -> None:
    c.chord(0.04, 0.0, 0.96, 0.8, start=0, end=180)
    c.ellipse(0.04, 0.34, 0.96, 0.46, trim=True)
    c.rect(0.36, 0.76, 0.64, 0.84)


_DRAWERS: dict[ObjectKind, Callable[[_Canvas], None]] = {
    "mug": _mug, "bottle": _bottle, "chair": _chair, "table": _table, "lamp": _lamp,
    "t-shirt": _tshirt, "bag": _bag, "shoe": _shoe, "umbrella": _umbrella,
    "clock": _clock, "vase": _vase, "bowl": _bowl,
}  # fmt: skip


def _shift(rgb: RGB, rng: random.Random, spread: int) -> RGB:
    r, g, b = (min(255, max(0, v + rng.randint(-spread, spread))) for v in rgb)
    return r, g, b


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return r, g, bl


def _pattern_fill(look: ProductLook, size: int, side: float, rng: random.Random) -> Image.Image:
    """The body's paint: base colour, plus stripes or dots in a contrasting tone."""
    base = _shift(COLOUR_RGB[look.colour], rng, 12)
    fill = Image.new("RGB", (size, size), base)
    if look.pattern == "plain":
        return fill
    light = sum(base) > 450
    accent = _mix(base, (20, 20, 20) if light else (250, 250, 250), 0.6)
    draw = ImageDraw.Draw(fill)
    period = max(6, int(side * rng.uniform(0.17, 0.22)))
    offset = rng.randrange(period)
    if look.pattern == "striped":
        for y in range(offset - period, size, period):
            draw.rectangle([0, y, size, y + period * 0.4], fill=accent)
        return fill
    radius = period * 0.32
    for row, y in enumerate(range(offset - period, size + period, period)):
        for x in range(offset - period + (row % 2) * period // 2, size + period, period):
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=accent)
    return fill


def _background(size: int, rng: random.Random) -> Image.Image:
    """A light studio backdrop: tinted, darker towards the floor."""
    top = _shift((rng.randint(200, 240),) * 3, rng, 18)
    bottom = _mix(top, (150, 150, 150), rng.uniform(0.1, 0.35))
    gradient = Image.linear_gradient("L").resize((size, size))
    return Image.composite(Image.new("RGB", (size, size), bottom),
                           Image.new("RGB", (size, size), top), gradient)  # fmt: skip


def _shade(size: int, rng: random.Random) -> Image.Image:
    """A horizontal light falloff mask, so flat shapes read as lit objects."""
    mask = Image.linear_gradient("L").rotate(rng.choice((90, -90))).resize((size, size))
    strength = rng.uniform(0.25, 0.45)
    return mask.point(lambda v: int(v * strength))


def render_product(look: ProductLook, variation: int = 0, *, size: int = 256) -> Image.Image:
    """Draw one photo of ``look``; the same ``(look, variation, size)`` gives the same pixels."""
    rng = random.Random(f"{look.object}|{look.colour}|{look.pattern}|{variation}")
    side = size * rng.uniform(0.55, 0.82)
    x0 = (size - side) / 2 + rng.uniform(-0.09, 0.09) * size
    y0 = (size - side) / 2 + rng.uniform(-0.09, 0.09) * size
    canvas = _Canvas(size, (x0, y0, side))
    _DRAWERS[look.object](canvas)
    angle = rng.uniform(-12, 12)
    centre = (x0 + side / 2, y0 + side / 2)
    masks = Image.merge("RGB", (canvas.body, canvas.trim, canvas.trim))
    body, trim, _ = masks.rotate(angle, Image.Resampling.BILINEAR, center=centre).split()
    photo = _background(size, rng)
    shadow = body.filter(ImageFilter.GaussianBlur(size / 40)).point(lambda v: v // 3)
    shadow = ImageChops.offset(shadow, max(1, size // 60), max(1, size // 50))
    photo.paste((40, 40, 40), (0, 0), shadow)
    photo.paste(_OUTLINE, (0, 0), body.filter(ImageFilter.MaxFilter(3)))
    paint = _pattern_fill(look, size, side, rng)
    paint.paste((0, 0, 0), (0, 0), _shade(size, rng))
    photo.paste(paint, (0, 0), body)
    photo.paste(_shift(_TRIM, rng, 15), (0, 0), trim)
    return ImageChops.add(photo, _noise(size, rng), offset=-128)


def _noise(size: int, rng: random.Random) -> Image.Image:
    """Zero-mean sensor grain (around 128), generated at half size for speed."""
    half = max(1, size // 2)
    numbers = np.random.default_rng(rng.randrange(2**32))
    normal = numbers.normal(128, rng.uniform(2, 7), (half, half))
    grain = Image.fromarray(normal.clip(0, 255).astype(np.uint8)).resize((size, size))
    return grain.convert("RGB")
