"""Mutation: flip random bytes (seeded) in a real sample .docx and in pages of a real PDF; every mutant is
either rejected with a reason or loaded — never an unhandled exception, never "yusuan failed".

``process()`` turns any exception into a rejection whose reason starts "yusuan failed" (reject_kind
``internal``), so the batch survives a reader bug; this test is what keeps such bugs from existing.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.lib import warehouse
from pipelines.lib.loading import load_processed
from pipelines.lib.stages import process
from tests.hostile import builders as B
from tests.real.real_samples import REAL_PDFS

SEED = 4242
DOCX = B.SAMPLES / "2021" / "201_中国共产党魏县委员会办公室_2021.docx"


def _flip(data: bytes, rng: random.Random, at_most: int = 8, start: int = 0) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, at_most)):
        i = rng.randrange(start, len(out))
        out[i] = rng.randrange(256)
    return bytes(out)


def _with_document(data: bytes, document: bytes) -> bytes:
    return B.rewrite_docx(data, lambda name, content: document if name == "word/document.xml" else content)


def _mutate_text(xml: str, rng: random.Random) -> str:
    """Characters of cell text swapped for look-alikes a bad OCR or typist makes (XML stays well formed)."""
    spans = [m.span(1) for m in re.finditer(r"<w:t(?: [^>]*)?>([^<]+)</w:t>", xml)]
    out = list(xml)
    for _ in range(rng.randint(1, 12)):
        start, end = rng.choice(spans)
        out[rng.randrange(start, end)] = rng.choice(
            ["O", "l", "１", "-", " ", ".", "\u00a0", "\u200b", "9", "", "..", "，", "亿", "%"])
    return "".join(out)


def _mutate_structure(xml: str, rng: random.Random) -> str:
    """Well-formed but broken tables: cells or rows dropped or doubled, spans and merges made up."""
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(4)
        if op == 0:  # drop or double a cell
            cells = [m.span() for m in re.finditer(r"<w:tc>.*?</w:tc>", xml)]
            a, b = rng.choice(cells)
            xml = xml[:a] + (xml[a:b] * rng.choice([0, 2])) + xml[b:]
        elif op == 1:  # drop or double a row
            rows = [m.span() for m in re.finditer(r"<w:tr[ >].*?</w:tr>", xml)]
            a, b = rng.choice(rows)
            xml = xml[:a] + (xml[a:b] * rng.choice([0, 2])) + xml[b:]
        elif op == 2:  # a span that does not fit the grid
            at = rng.choice([m.end() for m in re.finditer(r"<w:tcPr>", xml)])
            xml = xml[:at] + f'<w:gridSpan w:val="{rng.choice([0, 2, 7, 63])}"/>' + xml[at:]
        else:  # a vertical merge that continues nothing, or restarts mid-column
            at = rng.choice([m.end() for m in re.finditer(r"<w:tcPr>", xml)])
            xml = xml[:at] + rng.choice(["<w:vMerge/>", '<w:vMerge w:val="restart"/>']) + xml[at:]
    return xml


def docx_mutants(n_each: int = 8) -> list[tuple[str, bytes]]:
    """Four kinds: bytes of the zip, bytes of word/document.xml, characters of the cell text, table structure."""
    rng = random.Random(SEED)
    data = DOCX.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml")
    text = xml.decode("utf-8")
    out = []
    for k in range(n_each):
        out.append((f"zip-{k}", _flip(data, rng)))
        out.append((f"xml-{k}", _with_document(data, _flip(xml, rng, start=200))))
        out.append((f"text-{k}", _with_document(data, _mutate_text(text, rng).encode("utf-8"))))
        out.append((f"struct-{k}", _with_document(data, _mutate_structure(text, rng).encode("utf-8"))))
    return out


def pdf_mutants(n: int = 9) -> list[tuple[str, bytes]]:
    """Byte flips in pages 10-11 (收支总表, 收入总表) of the real 2023 万里街道 filing."""
    import pypdfium2 as pdfium

    src = REAL_PDFS[2023]
    if not src.exists():
        return []
    pdf = pdfium.PdfDocument(src.read_bytes())
    part = pdfium.PdfDocument.new()
    part.import_pages(pdf, [9, 10])
    buf = io.BytesIO()
    part.save(buf)
    part.close()
    pdf.close()
    data = buf.getvalue()
    rng = random.Random(SEED)
    return [("pdf-0", data)] + [(f"pdf-{k}", _flip(data, rng, at_most=16, start=16)) for k in range(1, n)]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = warehouse.connect(tmp_path_factory.mktemp("mut") / "warehouse.duckdb")
    warehouse.apply_ddl(c)
    yield c
    c.close()


def _check(name: str, data: bytes, suffix: str, con: duckdb.DuckDBPyConnection) -> str | None:
    """None when the mutant is handled cleanly, else what went wrong."""
    item = process(Path(f"/inbox/{name}{suffix}"), data=data)
    if item.reject_kind == "internal":
        return f"{name}: {item.document.error}"
    if item.rejected and not (isinstance(item.document.error, str) and len(item.document.error) > 15):
        return f"{name}: rejected without a reason: {item.document.error!r}"
    status = load_processed(con, item)
    if item.reject_kind == "internal":
        return f"{name}: the warehouse refused it: {item.document.error}"
    if status not in ("loaded", "unchanged", "rejected"):
        return f"{name}: load says {status!r}"
    return None


def test_docx_mutants_are_rejected_or_loaded_cleanly(con):
    mutants = docx_mutants()
    problems = [p for name, data in mutants if (p := _check(name, data, ".docx", con))]
    assert problems == []
    statuses = dict(con.execute("select status, count(*) from core.documents group by 1").fetchall())
    assert statuses.get("rejected", 0) > 0 and statuses.get("loaded", 0) + statuses.get("superseded", 0) > 0


@pytest.mark.real
def test_pdf_mutants_are_rejected_or_loaded_cleanly(con):
    mutants = pdf_mutants()
    assert _check(*mutants[0], ".pdf", con) is None  # the unmutated pages load
    problems = [p for name, data in mutants[1:] if (p := _check(name, data, ".pdf", con))]
    assert problems == []
