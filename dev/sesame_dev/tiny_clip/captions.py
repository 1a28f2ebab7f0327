"""Training captions for ``sesame-tiny``: what a buyer might type for each product look."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from sesame.demo.catalog import MATERIALS
from sesame.demo.render import COLOURS, OBJECTS, PATTERNS, ProductLook

# Caption vocabulary: synonyms a buyer might type for each attribute.
_OBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "mug": ("mug", "cup", "coffee mug"), "bottle": ("bottle", "water bottle"),
    "chair": ("chair",), "table": ("table", "coffee table"), "lamp": ("lamp", "table lamp"),
    "t-shirt": ("t-shirt", "tshirt", "tee", "shirt"), "bag": ("bag", "handbag", "tote bag"),
    "shoe": ("shoe", "shoes", "sneaker"), "umbrella": ("umbrella",),
    "clock": ("clock", "wall clock"), "vase": ("vase", "flower vase"), "bowl": ("bowl",),
}  # fmt: skip
_PATTERN_WORDS: dict[str, tuple[str, ...]] = {
    "plain": ("plain", "solid"), "striped": ("striped", "stripy"),
    "dotted": ("dotted", "polka dot", "spotted"),
}  # fmt: skip
_PATTERN_NOUNS = {"striped": ("stripes",), "dotted": ("dots", "polka dots")}
# (uses colour, uses object, uses pattern) -> (probability weight, templates)
_TEMPLATES: list[tuple[tuple[bool, bool, bool], float, tuple[str, ...]]] = [
    ((True, True, True), 0.4, ("{c} {p} {o}", "a {c} {p} {o}", "a photo of a {c} {p} {o}",
                               "{p} {c} {o}", "{c} {p} {m} {o}", "a {c} {m} {o}, {p}")),
    ((True, True, False), 0.28, ("{c} {o}", "a {c} {o}", "a photo of a {c} {o}", "{c} {m} {o}")),
    ((False, True, True), 0.12, ("{p} {o}", "a {p} {o}", "a photo of a {p} {o}")),
    ((False, True, False), 0.12, ("{o}", "a {o}", "a photo of a {o}", "{m} {o}")),
    ((True, False, False), 0.04, ("{c}", "something {c}")),
    ((True, False, True), 0.04, ("{c} {p}", "{c} and {p}")),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Caption:
    text: str
    look: ProductLook
    uses: tuple[bool, bool, bool]  # colour, object, pattern

    def fits(self, look: ProductLook) -> bool:
        checks = (look.colour == self.look.colour, look.object == self.look.object,
                  look.pattern == self.look.pattern)  # fmt: skip
        return all(ok for ok, used in zip(checks, self.uses, strict=True) if used)


def caption(look: ProductLook, rng: random.Random) -> Caption:
    """One random caption of ``look``, full or partial, as a buyer might type it."""
    weights = [w for _, w, _ in _TEMPLATES]
    uses, _, templates = rng.choices(_TEMPLATES, weights=weights)[0]
    template = rng.choice(templates)
    if "with" not in template and uses[2] and look.pattern != "plain" and rng.random() < 0.2:
        template = template.replace(" {p}", "") + " with {n}"
    text = template.format(
        c=look.colour, o=rng.choice(_OBJECT_WORDS[look.object]),
        p=rng.choice(_PATTERN_WORDS[look.pattern]),
        n=rng.choice(_PATTERN_NOUNS.get(look.pattern, ("",))),
        m=rng.choice(MATERIALS[look.object]),
    )  # fmt: skip
    return Caption(" ".join(text.split()), look, uses)


def caption_bank() -> list[Caption]:
    """Short canonical captions of every look and every partial look, one each."""
    bank: dict[str, Caption] = {}
    for colour, kind, pattern in itertools.product(COLOURS, OBJECTS, PATTERNS):
        look = ProductLook(kind, colour, pattern)
        for text, uses in (
            (f"{colour} {pattern} {kind}", (True, True, True)),
            (f"{colour} {kind}", (True, True, False)),
            (f"{pattern} {kind}", (False, True, True)),
            (kind, (False, True, False)),
            (colour, (True, False, False)),
        ):
            bank.setdefault(text, Caption(text, look, uses))
    return list(bank.values())
