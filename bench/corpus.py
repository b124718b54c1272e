"""A corpus of N distinct filings for the throughput benches, built from the shipped samples.

Copy i of a sample goes under its own county (``河北省/邯郸市/县00042/2023/…``) and gets distinct bytes
through its zip comment, so every copy is a new document of a department no other copy shares: a
province-wide batch, not a chain of reissues superseding each other.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def make_corpus(target: Path, n: int) -> list[Path]:
    """Write ``n`` filings under ``target``; returns their paths."""
    samples = sorted(SAMPLES.rglob("*.docx"))
    out = []
    for i in range(n):
        src = samples[i % len(samples)]
        county = f"县{i // len(samples):05d}"
        dst = target / "河北省" / "邯郸市" / county / src.parent.name / src.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dst)
        with zipfile.ZipFile(dst, "a") as z:  # a new comment: new bytes, same content
            z.comment = f"bench copy {i}".encode()
        out.append(dst)
    return out
