"""ArgosTranslator: installed Argos Translate packages, run through CTranslate2 directly.

argostranslate is used only to read packages (metadata and tokenizer); sentence
splitting is our own (``translation.segment``), so MiniSBD and Stanza are never
invoked and nothing is downloaded. Codes, prices, quantities, URLs and e-mails are
cut out before translation and put back unchanged. A pair without a package is
translated through English when both halves are installed; a direct package wins.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sesame.translation.argos_env import clear_argos_caches, import_argos_package
from sesame.translation.base import TranslationUnavailable, UnavailableReason
from sesame.translation.chunks import NO_SPACE, join_pieces, split_tokens
from sesame.translation.segment import Segment, segment, sentence_spans

logger = logging.getLogger(__name__)

NO_SPACE_LANGUAGES = NO_SPACE  # scripts written without spaces ("zt": traditional Chinese)
_CJK = frozenset({"zh", "zt", "ja"})
# Punctuation left between protected spans follows the target script.
_TO_LATIN = str.maketrans(
    {"。": ".", "，": ",", "、": ",", "？": "?", "！": "!", "：": ":", "；": ";"}
)
_TO_CJK = str.maketrans({".": "。", ",": "，", "?": "？", "!": "！", ":": "：", ";": "；"})


# What a broken package raises while loading (bad metadata, model, tokenizer or warm-up).
_LOAD_ERRORS = (
    ImportError, OSError, json.JSONDecodeError, RuntimeError, ValueError, TranslationUnavailable
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DecodingOptions:
    """CTranslate2 search settings. Greedy by default: the lowest latency for chat."""

    beam_size: int = 1
    length_penalty: float = 0.0
    # Output is capped at ratio * longest input + extra tokens (runaway guard).
    max_length_ratio: float = 2.0
    max_length_extra: int = 16
    max_batch_size: int = 32
    # Longer inputs are translated in pieces of at most this many tokens (CTranslate2 would
    # silently truncate them at 1,024).
    max_input_tokens: int = 256

    def __post_init__(self) -> None:
        if self.beam_size < 1 or self.max_batch_size < 1 or self.max_input_tokens < 1:
            raise ValueError("beam_size, max_batch_size and max_input_tokens must be at least 1.")
        if self.max_length_ratio < 0 or self.max_length_extra < 0:
            raise ValueError("max_length_ratio and max_length_extra must not be negative.")


@dataclass(frozen=True, slots=True)
class _Model:
    source: str
    target: str
    version: str
    path: Path
    translator: Any  # ctranslate2.Translator: thread-safe
    tokenizer: Any  # argostranslate.tokenizer.Tokenizer
    target_prefix: str


class ArgosTranslator:
    """Translates with the Argos packages installed in ``packages_dir``; call ``load()``."""

    def __init__(
        self,
        packages_dir: Path,
        *,
        decoding: DecodingOptions | None = None,
        compute_type: str = "default",
        inter_threads: int = 1,
        intra_threads: int = 0,
        pivot: str = "en",
    ) -> None:
        self._packages_dir = packages_dir
        self._decoding = decoding or DecodingOptions()
        self._ct2_options = {
            "device": "cpu",
            "compute_type": compute_type,
            "inter_threads": inter_threads,
            "intra_threads": intra_threads,
        }
        self._pivot = pivot
        self._lock = threading.Lock()
        self._models: dict[tuple[str, str], _Model] | None = None

    # -- loading -----------------------------------------------------------------

    def load(self) -> None:
        """(Re)load every installed package and warm each model up once."""
        package_module = import_argos_package(self._packages_dir)
        models: dict[tuple[str, str], _Model] = {}
        for folder in self._package_folders():
            model = self._open(package_module, folder)
            if model is None:
                continue
            key = (model.source, model.target)
            if key in models:
                logger.warning("Two packages for %s->%s; using %s", *key, models[key].path)
                continue
            models[key] = model
        clear_argos_caches()
        with self._lock:
            self._models = models
        logger.info("Translation models loaded: %s", sorted(f"{s}->{t}" for s, t in models))

    def _package_folders(self) -> list[Path]:
        if not self._packages_dir.is_dir():
            logger.warning("No translation packages folder at %s", self._packages_dir)
            return []
        return sorted(p for p in self._packages_dir.iterdir() if p.is_dir())

    def _open(self, package_module: Any, folder: Path) -> _Model | None:
        import ctranslate2

        try:
            pkg = package_module.Package(folder)
            if pkg.type != "translate" or not hasattr(pkg, "tokenizer"):
                logger.warning("Skipping %s: not a translation package with a tokenizer", folder)
                return None
            translator = ctranslate2.Translator(str(folder / "model"), **self._ct2_options)
            model = _Model(
                pkg.from_code, pkg.to_code, pkg.package_version, folder, translator,
                pkg.tokenizer, pkg.target_prefix,
            )  # fmt: skip
            # Warm-up: builds the (lazy) tokenizer before threads share it, runs the model once.
            self._run(model, [model.tokenizer.encode("warm-up")], max_length=2)
        except _LOAD_ERRORS as exc:
            logger.error("Skipping translation package %s: %s", folder, exc)
            return None
        return model

    # -- the Translator interface -------------------------------------------------

    def translate(self, text: str, source: str, target: str) -> str:
        if source == target or not text.strip():
            return text
        route = self._route(source, target)
        spans = sentence_spans(text)
        sentences = [segment(text[a:b]) for a, b in spans]
        prose = [s.text.strip() for sentence in sentences for s in sentence if s.translatable]
        for model in route:
            prose = self._translate_batch(model, prose)
        translated = iter(prose)
        rendered = [_render(sentence, translated, source, target) for sentence in sentences]
        return _join(text, spans, rendered, target)

    def can_translate(self, source: str, target: str) -> bool:
        return source == target or (source, target) in self.pairs()

    def languages(self) -> set[str]:
        return {code for pair in self._snapshot() for code in pair}

    def pairs(self) -> set[tuple[str, str]]:
        direct = set(self._snapshot())
        via = self._pivot
        pivoted = {(s, t) for s, p in direct if p == via for q, t in direct if q == via and s != t}
        return direct | pivoted

    # -- internals ------------------------------------------------------------------

    def _snapshot(self) -> dict[tuple[str, str], _Model]:
        with self._lock:
            return dict(self._models or {})

    def _route(self, source: str, target: str) -> list[_Model]:
        with self._lock:
            models = self._models
        if models is None:
            raise TranslationUnavailable(
                "Translation models are not loaded yet.",
                reason=UnavailableReason.NOT_LOADED, source=source, target=target,
            )  # fmt: skip
        if (direct := models.get((source, target))) is not None:
            return [direct]
        first, second = models.get((source, self._pivot)), models.get((self._pivot, target))
        if first is not None and second is not None:
            return [first, second]
        installed = ", ".join(sorted(f"{s}->{t}" for s, t in models)) or "none"
        raise TranslationUnavailable(
            f"No translation model for {source}->{target} (installed: {installed}). "
            "Install one with `sesame models install PATH`.",
            reason=UnavailableReason.NO_MODEL, source=source, target=target,
        )  # fmt: skip

    def _translate_batch(self, model: _Model, texts: list[str]) -> list[str]:
        if not texts:
            return []
        pieces: list[list[str]] = []
        owners: list[int] = []
        for number, text in enumerate(texts):
            for piece in split_tokens(
                model.tokenizer.encode(text), self._decoding.max_input_tokens
            ):
                pieces.append(piece)
                owners.append(number)
        # The output budget follows each piece's own length, never a truncated input's.
        longest = max(len(piece) for piece in pieces)
        limit = int(longest * self._decoding.max_length_ratio) + self._decoding.max_length_extra
        decoded = [_decode(model, h) for h in self._run(model, pieces, max_length=limit)]
        grouped: list[list[str]] = [[] for _ in texts]
        for number, output in zip(owners, decoded, strict=True):
            grouped[number].append(output)
        out = [join_pieces(parts, model.target) for parts in grouped]
        if any(not o.strip() for o in out):
            raise TranslationUnavailable(
                f"The {model.source}->{model.target} model produced an empty translation.",
                reason=UnavailableReason.MODEL_FAILED, source=model.source, target=model.target,
            )  # fmt: skip
        return out

    def _run(self, model: _Model, tokens: Sequence[list[str]], *, max_length: int) -> list[Any]:
        prefix = [[model.target_prefix]] * len(tokens) if model.target_prefix else None
        options = self._decoding
        try:
            results = model.translator.translate_batch(
                list(tokens),
                target_prefix=prefix,
                beam_size=options.beam_size,
                length_penalty=options.length_penalty,
                max_decoding_length=max_length,
                max_batch_size=options.max_batch_size,
                replace_unknowns=True,
            )
        except (RuntimeError, ValueError) as exc:
            raise TranslationUnavailable(
                f"The {model.source}->{model.target} model failed: {exc}",
                reason=UnavailableReason.MODEL_FAILED, source=model.source, target=model.target,
            ) from exc  # fmt: skip
        return [r.hypotheses[0] for r in results]


def _decode(model: _Model, tokens: list[str]) -> str:
    text: str = model.tokenizer.decode(tokens)
    if model.target_prefix and text.startswith(model.target_prefix):
        text = text[len(model.target_prefix) :]
    return text.strip()


def _punctuation_table(source: str, target: str) -> dict[int, str] | None:
    if source in _CJK and target not in _CJK:
        return _TO_LATIN
    if target in _CJK and source not in _CJK:
        return _TO_CJK
    return None


def _render(segments: list[Segment], translated: Iterator[str], source: str, target: str) -> str:
    """Put translated prose back between the untouched segments."""
    pad = source in NO_SPACE_LANGUAGES and target not in NO_SPACE_LANGUAGES
    table = _punctuation_table(source, target)
    parts: list[str] = []
    last = len(segments) - 1
    for i, seg in enumerate(segments):
        if seg.protected:
            parts.append(seg.text)
        elif not seg.translatable:
            parts.append(seg.text.translate(table) if table else seg.text)
        else:
            lead = seg.text[: len(seg.text) - len(seg.text.lstrip())]
            trail = seg.text[len(seg.text.rstrip()) :]
            lead = lead or (" " if pad and i > 0 else "")
            trail = trail or (" " if pad and i < last and segments[i + 1].protected else "")
            parts.append(f"{lead}{next(translated)}{trail}")
    return "".join(parts)


def _join(text: str, spans: list[tuple[int, int]], rendered: list[str], target: str) -> str:
    """Join translated sentences, keeping line breaks and spacing the target's way."""
    if not spans:
        return text
    parts = [text[: spans[0][0]]]
    for i, sentence in enumerate(rendered):
        if i > 0:
            gap = text[spans[i - 1][1] : spans[i][0]]
            parts.append(gap if "\n" in gap else ("" if target in NO_SPACE_LANGUAGES else " "))
        parts.append(sentence)
    parts.append(text[spans[-1][1] :])
    return "".join(parts)
