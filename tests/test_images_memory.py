"""Peak memory of decoding: photos are reduced before any copy is made.

Each decode runs in a fresh process, so the peak resident size (ru_maxrss) it
adds is the decode's own. Before the reduce-first path, the 16-bit PNG below
went through int64 arrays and peaked near 1 GB.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sesame.core.errors import PayloadTooLarge
from sesame.media.images import decode_image
from sesame.settings import ImageSettings

# Stated bound: decoding one photo adds at most this much resident memory.
PEAK_BOUND_MB = 256
SIDE = 6900  # 47.6 MP: just under the default 48 MP cap

MEASURE = """
import resource, sys
from pathlib import Path
from sesame.media.images import decode_image
data = Path(sys.argv[1]).read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
image = decode_image(data, max_pixels=48_000_000, max_bytes=20 * 2**20, min_side=448)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(image.mode, image.size[0], image.size[1], (after - before) // 1024)
"""


def sixteen_bit_png(path: Path, side: int) -> Path:
    ramp = np.linspace(0, 65535, side, dtype=np.uint16)
    Image.fromarray(np.broadcast_to(ramp, (side, side)).copy()).save(path, compress_level=9)
    return path


@pytest.fixture(scope="module")
def big_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sixteen_bit_png(tmp_path_factory.mktemp("png") / "scan16.png", SIDE)


def test_a_sixteen_bit_scan_decodes_under_the_memory_bound(big_png: Path) -> None:
    with Image.open(big_png) as probe:
        assert probe.mode.startswith("I;16")
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(big_png)],
        capture_output=True, text=True, check=True, timeout=300,
    ).stdout.split()  # fmt: skip
    mode, width, height, added_mb = out[0], int(out[1]), int(out[2]), int(out[3])
    assert (mode, min(width, height)) == ("RGB", 448)
    assert added_mb < PEAK_BOUND_MB, f"decoding added {added_mb} MB"


def test_the_reduced_photo_keeps_the_grey_levels(big_png: Path) -> None:
    image = decode_image(
        big_png.read_bytes(), max_pixels=48_000_000, max_bytes=20 * 2**20, min_side=448
    )
    row = np.asarray(image)[0, :, 0]
    assert row[0] < 8  # the full 16-bit range, scaled, not clipped to 255
    assert row[-1] > 247


def test_a_fifty_megapixel_image_is_over_the_default_cap(tmp_path: Path) -> None:
    png = sixteen_bit_png(tmp_path / "huge.png", 7071)
    cap = ImageSettings().max_pixels
    with pytest.raises(PayloadTooLarge, match="the limit is 48,000,000 pixels"):
        decode_image(png.read_bytes(), max_pixels=cap, max_bytes=20 * 2**20)
