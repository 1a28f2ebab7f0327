"""``sesame models quantize``: int8 is switched on only when it agrees with fp32 on the
deployment's own catalog (the ingested demo catalog here), and refused on weights that
int8 cannot represent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import onnx
import pytest
import torch
from typer.testing import CliRunner

from sesame.cli.main import app as cli
from sesame.core.errors import InvalidInput, ModelUnavailable
from sesame.embeddings.onnx import OnnxEncoder, export_for
from sesame.embeddings.quantize import APPROVAL, quantize_towers
from sesame.runtime.int8_check import check_int8
from sesame.settings import Settings
from tests.conftest import TINY_MODEL


def _settings(data_dir: Path, checkpoint: Path, onnx_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, embeddings={
        "model": TINY_MODEL, "pretrained": str(checkpoint), "onnx_dir": onnx_dir,
    })  # fmt: skip


@pytest.fixture(scope="module")
def lossy_checkpoint(tiny_clip_checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with one huge weight in every matrix: int8's one scale per tensor then
    rounds every other weight to zero (fp32 keeps them)."""
    state = torch.load(tiny_clip_checkpoint, map_location="cpu", weights_only=True)
    for name, weight in state.items():
        if weight.ndim == 2 and name.endswith("weight") and "embedding" not in name:
            weight.view(-1)[0] = weight.abs().max() * 2000
    path = tmp_path_factory.mktemp("lossy") / "lossy.pt"
    torch.save(state, path)
    return path


def test_int8_is_refused_where_it_disagrees_with_fp32(
    ingested_data_dir: Path, lossy_checkpoint: Path, tmp_path: Path
) -> None:
    settings = _settings(ingested_data_dir, lossy_checkpoint, tmp_path)
    verdict = check_int8(settings, sample=60)
    assert not verdict.approved
    assert verdict.agreement.overall < verdict.threshold
    assert verdict.agreement.gallery == 60
    assert not (verdict.folder / APPROVAL).exists()
    auto = OnnxEncoder.load(TINY_MODEL, str(lossy_checkpoint), onnx_dir=tmp_path)
    assert not auto.int8  # auto stays on fp32
    with pytest.raises(ModelUnavailable, match="sesame models quantize"):
        OnnxEncoder.load(TINY_MODEL, str(lossy_checkpoint), onnx_dir=tmp_path, precision="int8")


def test_the_command_prints_the_figure_and_exits_1_when_it_refuses(
    ingested_data_dir: Path, lossy_checkpoint: Path, tmp_path: Path
) -> None:
    env = {"SESAME_DATA_DIR": str(ingested_data_dir), "SESAME_EMBEDDINGS__MODEL": TINY_MODEL,
           "SESAME_EMBEDDINGS__PRETRAINED": str(lossy_checkpoint),
           "SESAME_EMBEDDINGS__ONNX_DIR": str(tmp_path)}  # fmt: skip
    result = CliRunner().invoke(cli, ["models", "quantize", "--sample", "40"], env=env)
    assert result.exit_code == 1
    assert "top-10 agreement of int8 with fp32 over 40 catalog photos" in result.output
    assert "Refused" in result.output


def test_int8_that_agrees_is_approved_and_auto_runs_it(
    ingested_data_dir: Path, tiny_clip_checkpoint: Path, tmp_path: Path
) -> None:
    # Measured on the 300 demo photos: 0.996 (photo queries) and 0.992 (text queries); the
    # margin below leaves room for the test model trained on another machine.
    verdict = check_int8(_settings(ingested_data_dir, tiny_clip_checkpoint, tmp_path),
                         sample=100, threshold=0.95)  # fmt: skip
    assert verdict.approved
    assert 0.95 <= verdict.agreement.overall <= 1.0
    auto = OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=tmp_path)
    assert auto.int8
    fp32 = OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=tmp_path,
                            precision="fp32")  # fmt: skip
    assert not fp32.int8
    near = (auto.encode_texts(["red mug"]) * fp32.encode_texts(["red mug"])).sum()
    assert near > 0.9  # int8 approximates fp32; it is not another model


def test_only_the_matrix_products_are_quantised(tiny_clip_checkpoint: Path, tmp_path: Path) -> None:
    """Every product with a weight matrix runs in int8; convolutions (a ViT's patch
    embedding, the test model's stem) stay fp32: ONNX Runtime's int8 one is slower."""
    exported, _ = export_for(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=tmp_path)
    quantize_towers(exported.folder)
    fp32 = onnx.load(exported.folder / "image.onnx").graph
    weights = {tensor.name for tensor in fp32.initializer}
    with_weights = [
        n for n in fp32.node if n.op_type in ("MatMul", "Gemm") and n.input[1] in weights
    ]
    ops = Counter(n.op_type for n in onnx.load(exported.folder / "image.int8.onnx").graph.node)
    assert ops["MatMulInteger"] == len(with_weights) > 0
    assert ops["Conv"] == Counter(n.op_type for n in fp32.node)["Conv"] > 0
    assert "ConvInteger" not in ops


def test_an_empty_catalog_cannot_be_checked(tiny_clip_checkpoint: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="ingest the catalog first"):
        check_int8(_settings(tmp_path / "data", tiny_clip_checkpoint, tmp_path / "onnx"))
