"""The wheel ships the product only: no test or demo-model code, but every data file it needs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV_ONLY = ("sesame_dev", "tiny_clip", "tiny_argos", "phrasebook", "argos_build", "tests/")


def test_the_wheel_holds_no_test_model_code(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=600,
    )
    [wheel] = tmp_path.glob("sesame-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert not [name for name in names if any(part in name for part in DEV_ONLY)]
    assert "sesame/runtime/web.py" in names
    assert "sesame/catalog/migrations/versions/0003_supplier_province.py" in names
    assert "sesame/embeddings/model_configs/sesame-tiny.json" in names
    assert "sesame/web/static/index.html" in names  # the web app and its assets
    assert "sesame/web/static/js/views/search.js" in names
    assert "sesame/web/static/i18n/zh.json" in names
    top_level = {name.split("/")[0] for name in names if not name.startswith("sesame-")}
    assert top_level == {"sesame"}
