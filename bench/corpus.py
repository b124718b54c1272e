"""A corpus of N distinct filings for the throughput benches, built from the shipped samples.

Copy i of a sample goes under its own county: the samples' county 魏县 is renamed in the document's text
(``word/document.xml``) and its path to a county of its own (安安县, 安东县, …), so every copy is a new
document of a department no other copy shares — a province-wide batch, not a chain of reissues
superseding each other (the department is identified from the text, not from the folder).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
COUNTY = "魏县"
_CHARS = "安东西南北中平和永定兴隆昌盛丰泰宁远清河"


def county_name(k: int) -> str:
    """The k-th made-up county: k written in base 20 with the digits _CHARS, at least two of them, then 县."""
    digits = ""
    while k or len(digits) < 2:
        k, r = divmod(k, len(_CHARS))
        digits = _CHARS[r] + digits
    return digits + "县"


def make_corpus(target: Path, n: int) -> list[Path]:
    """Write ``n`` filings under ``target``; returns their paths."""
    samples = sorted(SAMPLES.rglob("*.docx"))
    out = []
    for i in range(n):
        src = samples[i % len(samples)]
        county = county_name(i // len(samples))
        dst = target / "河北省" / "邯郸市" / county / src.parent.name / src.name.replace(COUNTY, county)
        dst.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item)
                if item.filename == "word/document.xml":
                    data = data.replace(COUNTY.encode(), county.encode())
                zout.writestr(item, data)
        out.append(dst)
    return out
