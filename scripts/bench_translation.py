"""Translation latency and throughput on a base-size model, through ArgosTranslator.

    python scripts/bench_translation.py [--iterations 200] [--beams 1,4] [--threads 2]

No real Argos weights are reachable offline, so the model is a Transformer-base
shape (6+6 layers, d_model 512, 8 heads, FFN 2048, 32k vocabulary, int8) with
random weights: its speed equals a trained model's. End-of-sentence is suppressed
and output is capped at the input length, so every message decodes as many tokens
as it reads, a realistic length for translation. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import TransformerSpec
from sesame_dev.tiny_argos.package import sinusoids, train_sentencepiece, write_package, zip_package
from sesame_dev.tiny_argos.phrasebook import SENTENCES

from sesame.translation.argos import ArgosTranslator, DecodingOptions
from sesame.translation.base import Translator
from sesame.translation.cache import CachingTranslator
from sesame.translation.packages import install_package

REPO = Path(__file__).resolve().parents[1]
LAYERS, D_MODEL, HEADS, FFN, VOCAB = 6, 512, 8, 2048, 32_000


class _Random:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def linear(self, spec: Any, out_dim: int, in_dim: int) -> None:
        spec.weight = (self.rng.standard_normal((out_dim, in_dim), np.float32) * 0.02).astype(
            np.float32
        )
        spec.bias = np.zeros(out_dim, np.float32)

    @staticmethod
    def norm(spec: Any) -> None:
        spec.gamma, spec.beta = np.ones(D_MODEL, np.float32), np.zeros(D_MODEL, np.float32)

    def layer(self, spec: Any, decoder: bool) -> None:
        self.linear(spec.self_attention.linear[0], 3 * D_MODEL, D_MODEL)
        self.linear(spec.self_attention.linear[1], D_MODEL, D_MODEL)
        self.norm(spec.self_attention.layer_norm)
        if decoder:
            self.linear(spec.attention.linear[0], D_MODEL, D_MODEL)
            self.linear(spec.attention.linear[1], 2 * D_MODEL, D_MODEL)
            self.linear(spec.attention.linear[2], D_MODEL, D_MODEL)
            self.norm(spec.attention.layer_norm)
        self.norm(spec.ffn.layer_norm)
        self.linear(spec.ffn.linear_0, FFN, D_MODEL)
        self.linear(spec.ffn.linear_1, D_MODEL, FFN)


def base_spec(pieces: list[str]) -> TransformerSpec:
    """Transformer-base with random weights (shared source/target embeddings)."""
    fill = _Random(seed=7)
    spec = TransformerSpec.from_config((LAYERS, LAYERS), HEADS)
    embeddings = (fill.rng.standard_normal((VOCAB, D_MODEL), np.float32) * 0.02).astype(np.float32)
    for side, decoder in ((spec.encoder, False), (spec.decoder, True)):
        side_embeddings = (
            side.embeddings[0] if isinstance(side.embeddings, list) else side.embeddings
        )
        side_embeddings.weight = embeddings
        side.position_encodings.encodings = sinusoids(1024, D_MODEL)
        fill.norm(side.layer_norm)
        for layer in side.layer:
            fill.layer(layer, decoder)
    fill.linear(spec.decoder.projection, VOCAB, D_MODEL)
    # <unk>, <s> and </s> never win: decode to the length cap, like a real translation.
    spec.decoder.projection.bias[:3] = -1e4
    vocabulary = pieces + [f"<extra_{i}>" for i in range(VOCAB - len(pieces))]
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def build_bench_package(cache_dir: Path) -> Path:
    out = cache_dir / f"translate-es_en-base{LAYERS}x{D_MODEL}-random.argosmodel"
    if out.is_file():
        return out
    texts = [t for e in SENTENCES for t in (e.es, e.en)]
    sp_model = train_sentencepiece(texts, 1000)
    sp = spm.SentencePieceProcessor(model_proto=sp_model)
    spec = base_spec([sp.id_to_piece(i) for i in range(sp.get_piece_size())])
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / out.stem
        write_package(
            folder, source="es", target="en", sp_model=sp_model, spec=spec, quantization="int8"
        )
        zip_package(folder, out)
    return out


def texts_of(words: int, count: int, seed: int) -> list[str]:
    """Spanish messages of at least ``words`` words, made of phrasebook sentences."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p.split()) for p in parts) < words:
            parts.append(rng.choice(SENTENCES).es)
        out.append(" ".join(parts))
    return out


def timed(call: Callable[[str], str], texts: list[str]) -> tuple[list[float], list[float]]:
    """Wall-clock and process CPU milliseconds per call (CPU time barely depends on
    how busy a shared machine is; with one thread it is the idle-machine latency)."""
    wall, cpu = [], []
    for text in texts:
        started, started_cpu = time.perf_counter(), time.process_time()
        call(text)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def _row(workload: str, cache: str, beam: int, *cells: str) -> str:
    return f"| {workload} | {cache} | {beam} | {' | '.join(cells)} |"


def bench(translator: Translator, beam: int, args: argparse.Namespace) -> list[str]:
    """Chat latency without and with the cache, then description throughput."""
    messages = texts_of(20, 50, seed=1)
    rng = random.Random(2)
    stream = [rng.choice(messages) for _ in range(args.iterations)]  # repeats, like real chat
    for text in messages[:5]:
        translator.translate(text, "es", "en")  # warm-up
    plain, plain_cpu = timed(lambda t: translator.translate(t, "es", "en"), stream)
    cached = CachingTranslator(translator, maxsize=1000)
    mixed, mixed_cpu = timed(lambda t: cached.translate(t, "es", "en"), stream)
    hit_rate = cached.hits / (cached.hits + cached.misses)
    descriptions = texts_of(100, args.descriptions, seed=3)
    started, started_cpu = time.perf_counter(), time.process_time()
    for text in descriptions:
        translator.translate(text, "es", "en")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - started_cpu
    words = sum(len(d.split()) for d in descriptions)
    return [
        _row("chat message, ~20 words", "off", beam, f"{percentile(plain, 50):.0f}",
             f"{percentile(plain, 99):.0f}", f"{percentile(plain_cpu, 50):.0f}",
             f"{1000 / statistics.mean(plain):.1f} msg/s"),
        _row(f"same stream, {hit_rate:.0%} cache hits", "on", beam,
             f"{percentile(mixed, 50):.2f}", f"{percentile(mixed, 99):.0f}",
             f"{percentile(mixed_cpu, 50):.2f}", f"{1000 / statistics.mean(mixed):.1f} msg/s"),
        _row("product description, ~100 words", "off", beam,
             f"{1000 * seconds / len(descriptions):.0f} (mean)", "-",
             f"{1000 * cpu_seconds / len(descriptions):.0f} (mean)",
             f"{words / seconds:.0f} words/s"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--descriptions", type=int, default=10)
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--threads", type=int, default=2, help="CTranslate2 intra_threads")
    parser.add_argument("--cache-dir", type=Path, default=REPO / ".cache" / "bench-argos")
    args = parser.parse_args()
    archive = build_bench_package(args.cache_dir)
    with tempfile.TemporaryDirectory() as tmp:
        packages = Path(tmp) / "packages"
        install_package(archive, packages)
        tokens = spm.SentencePieceProcessor(
            model_file=str(next(packages.iterdir()) / "sentencepiece.model")
        )
        sample = texts_of(20, 50, seed=1)
        mean_tokens = statistics.mean(len(tokens.encode(t)) for t in sample)
        rows = []
        for beam in (int(b) for b in args.beams.split(",")):
            decoding = DecodingOptions(beam_size=beam, max_length_ratio=1.0, max_length_extra=0)
            translator = ArgosTranslator(packages, decoding=decoding, intra_threads=args.threads)
            translator.load()
            rows += bench(translator, beam, args)
    print(f"Model: Transformer {LAYERS}+{LAYERS} layers, d_model {D_MODEL}, FFN {FFN}, "
          f"vocab {VOCAB}, int8, random weights; CTranslate2 on CPU, intra_threads={args.threads}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"chat messages average {mean_tokens:.0f} source tokens; "
          "output length capped at input length.")  # fmt: skip
    print()
    print("| Workload | Cache | Beam | p50 ms | p99 ms | CPU ms p50 | Throughput |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
