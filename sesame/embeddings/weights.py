"""Find open_clip weights: a local checkpoint file, the local cache, or a download.

The service never downloads at start-up unless told to: on a machine without
internet a download only hangs in retries, so serving reads the local cache and
says how to fill it (``sesame models download``) when the weights are missing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sesame.core.errors import ModelUnavailable

logger = logging.getLogger(__name__)

_CHECKPOINT_SUFFIXES = (".pt", ".pth", ".bin", ".safetensors", ".ckpt")
HF_WEIGHTS_NAME = "open_clip_pytorch_model.bin"
REACH_TIMEOUT_S = 3.0


@dataclass(frozen=True, slots=True)
class ResolvedWeights:
    path: Path
    model_id: str


def looks_like_path(pretrained: str) -> bool:
    return os.sep in pretrained or pretrained.endswith(_CHECKPOINT_SUFFIXES)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def resolve_weights(
    model: str, pretrained: str, *, cache_dir: Path | None = None, allow_download: bool = False
) -> ResolvedWeights:
    """Return the checkpoint file for ``model``/``pretrained``, or raise ModelUnavailable."""
    if not pretrained:
        raise ModelUnavailable(
            "SESAME_EMBEDDINGS__PRETRAINED is empty; Sesame never runs on random weights. "
            "Set it to an open_clip tag (e.g. laion2b_s34b_b79k) or a checkpoint file."
        )
    if looks_like_path(pretrained):
        return _local_checkpoint(model, Path(pretrained).expanduser())
    cfg = _pretrained_cfg(model, pretrained)
    cached = _cached_file(cfg, cache_dir)
    if cached is None and allow_download:
        cached = _download(model, pretrained, cfg, cache_dir)
    if cached is None:
        raise ModelUnavailable(
            f"The open_clip weights {model}/{pretrained} are not on this machine: run "
            "`sesame models download` on a machine with internet access (and copy its "
            "Hugging Face cache here), or set SESAME_EMBEDDINGS__PRETRAINED to a local "
            "checkpoint file."
        )
    return ResolvedWeights(cached, f"{model}/{pretrained}")


def _local_checkpoint(model: str, path: Path) -> ResolvedWeights:
    if not path.is_file():
        raise ModelUnavailable(
            f"No checkpoint file at {path}: check SESAME_EMBEDDINGS__PRETRAINED, or set it "
            "to an open_clip tag such as laion2b_s34b_b79k."
        )
    return ResolvedWeights(path, f"{model}/sha256-{file_digest(path)[:16]}")


def _pretrained_cfg(model: str, tag: str) -> dict[str, Any]:
    import open_clip  # torch comes with it: seconds, so only when a tag must be looked up

    cfg: dict[str, Any] = open_clip.get_pretrained_cfg(model, tag)
    if not cfg:
        known = ", ".join(open_clip.list_pretrained_tags_by_model(model)) or "none"
        raise ModelUnavailable(
            f"open_clip has no pretrained weights named {tag!r} for {model} (known: {known}); "
            "fix SESAME_EMBEDDINGS__PRETRAINED."
        )
    return cfg


def _hf_location(cfg: dict[str, Any]) -> tuple[str, str] | None:
    hub = str(cfg.get("hf_hub", ""))
    if not hub:
        return None
    repo_id, filename = os.path.split(hub)
    return repo_id, filename or HF_WEIGHTS_NAME


def _cached_file(cfg: dict[str, Any], cache_dir: Path | None) -> Path | None:
    from huggingface_hub import try_to_load_from_cache

    location = _hf_location(cfg)
    if location is not None:
        repo_id, filename = location
        names = [filename.replace(".bin", ".safetensors"), filename]
        for name in dict.fromkeys(names):
            found = try_to_load_from_cache(repo_id, name, cache_dir=cache_dir)
            if isinstance(found, str):
                return Path(found)
    url = str(cfg.get("url", ""))
    if url:
        root = cache_dir or Path.home() / ".cache" / "clip"
        candidate = Path(root) / os.path.basename(url)
        if candidate.is_file():
            return candidate
    return None


def _download(model: str, tag: str, cfg: dict[str, Any], cache_dir: Path | None) -> Path:
    import open_clip

    host = _check_reachable(_download_host(cfg))
    logger.info("Downloading open_clip weights %s/%s from %s", model, tag, host)
    try:
        target = open_clip.download_pretrained(cfg, cache_dir=str(cache_dir) if cache_dir else None)
    except (OSError, RuntimeError, ValueError) as exc:
        raise ModelUnavailable(
            f"Could not download the open_clip weights {model}/{tag} ({exc}); on a machine "
            "without internet, copy a checkpoint file here and set "
            "SESAME_EMBEDDINGS__PRETRAINED to its path."
        ) from exc
    if not target:
        raise ModelUnavailable(f"open_clip gave no download location for {model}/{tag}.")
    return Path(target)


def _download_host(cfg: dict[str, Any]) -> tuple[str, int]:
    """Where the weights come from: the Hugging Face endpoint, or the tag's own URL."""
    url = os.environ.get("HF_ENDPOINT", "https://huggingface.co") if cfg.get("hf_hub") else ""
    parsed = urlparse(url or str(cfg.get("url", "")))
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.hostname or "huggingface.co", port


def _check_reachable(address: tuple[str, int], timeout: float = REACH_TIMEOUT_S) -> str:
    """Fail within seconds when offline, instead of hanging in a downloader's retries."""
    host, port = address
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return host
    except OSError as exc:
        raise ModelUnavailable(
            f"No connection to {host}:{port} ({exc}), so the open_clip weights cannot be "
            "downloaded here: run `sesame models download` on a machine with internet access "
            "and copy its Hugging Face cache here, or set SESAME_EMBEDDINGS__PRETRAINED to a "
            "local checkpoint file."
        ) from exc
