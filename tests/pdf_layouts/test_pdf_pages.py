"""Pages that are not what a filing's other pages are, on filings built as a government export is built (a .docx
printed by LibreOffice, ``build.py``), with no rule and with every rule, read by ``yusuan ingest``'s own function and
compared with the figures typed once in ``tests/variants/filings.py``:

- **landscape pages among upright ones**: the cover and running text upright, the five tables in a landscape section
  (wide pages), the glossary upright again;
- **landscape pages turned**: the same filing as a print driver writes it, each landscape page an upright page
  (MediaBox) that says ``/Rotate 90`` and draws the landscape page on its side — a viewer shows it upright, and so
  must yusuan read it (its rules, drawn through a turned matrix, a hair off square);
- **landscape pages drawn on their side without ``/Rotate``** (turned either way): a viewer shows them sideways, their
  text running up or down the page; yusuan reads them turned upright, and says so (before: a filing rejected as
  holding no budget table, or tables of garbage);
- **a table too wide for its page, its last columns printed on the next** (a spreadsheet printed "down, then over"):
  the 16-column 基本支出 table of ``test_pdf_narrow`` cut after 国有资本经营预算, the rest (财政专户管理资金 | 单位资金 …)
  on the next page with the row labels printed again (Excel's 打印标题) or without them;
- **scanned pages**: the filing's pages made images, as a scanner makes them — all of them (turned away: OCR it
  first) or only the later ones (loaded, with a warning naming the pages, never as a filing without those tables);
- **one figure a line**: a 三公 table printed 项目 | 预算数 (one figure per row), its labels wrapped in a narrow
  column and every cell centred, so that a row's figure stands on a line of its own between its label's lines.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest

from tests.docx_builder import C
from tests.pdf_layouts import build as B
from tests.pdf_layouts import expect as X
from tests.pdf_layouts.test_pdf_narrow import MEASURES, WIDE_LINES, WIDE_PRINTED, wide
from tests.variants import filings as F
from tests.variants.warehouse import Warehouse, ingested

FAMILIES = ("none", "full")
STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
LANDSCAPE = B.PAGE.replace('w:w="11906" w:h="16838"', 'w:w="16838" w:h="11906" w:orient="landscape"')


def _five(s: F.Style) -> list[F.Table]:
    return [F.summary("部门收支总表", s), F.income("部门收入总表", s), F.expenditure("部门支出总表", s),
            F.basic("一般公共预算基本支出表", s), F.three_public("一般公共预算“三公”经费支出表", s)]


def _mixed(s: F.Style, family: str) -> bytes:
    """Cover and running text upright, the five tables on landscape pages, a glossary upright again (a section break
    is a paragraph carrying the section's page size)."""
    blocks = [B.p(s.cover()), *B.filler(10), f"<w:p><w:pPr>{B.PAGE}</w:pPr></w:p>"]
    for t in _five(s):
        blocks += B.table_blocks(t, s, family, text_width=B.LANDSCAPE_WIDTH)
    blocks += [f"<w:p><w:pPr>{LANDSCAPE}</w:pPr></w:p>", B.p("第三部分 名词解释"), *B.filler(5)]
    return B.document(blocks)


def _split(s: F.Style, family: str, labels: bool, cut: int = 10) -> bytes:
    """The 16-column table cut after its tenth column (国有资本经营预算), the rest on the next page under its own
    headings, the row labels (类 | 款 | 科目名称) printed again there or not; or cut after its ninth (``cut``), inside
    财政拨款, whose heading prints over the page's part it starts on only (国有资本经营预算 on the next page under a
    blank)."""
    t = wide("一般公共预算基本支出表")
    if cut == 10:
        left = F.Table(t.title, [t.header[0][:6], t.header[1][:10]], [r[:10] for r in t.body])
        head = [[C("财政专户管理资金", vmerge="restart"), C("单位资金", span=5)],
                [C("", vmerge=F.V), "事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入"]]
    else:
        left = F.Table(t.title, [[*t.header[0][:5], C("财政拨款", span=3)], t.header[1][:9]], [r[:9] for r in t.body])
        head = [["", C("财政专户管理资金", vmerge="restart"), C("单位资金", span=5)],
                ["国有资本经营预算", C("", vmerge=F.V), "事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入",
                 "其他收入"]]
    body = [r[cut:] for r in t.body]
    if labels:
        head = [[*t.header[0][:2], *head[0]], [*t.header[1][:3], *head[1]]]
        body = [[*r[:3], *r[cut:]] for r in t.body]
    right = F.Table(t.title, head, body)
    return B.document([B.p(s.cover()), *B.table_blocks(left, s, family, size=16), B.page_break(),
                       B.table_xml(right, family, size=16)], running=s.cover())


def _style(i: int) -> F.Style:
    return F.Style(dept=f"魏县版面{STEMS[i]}测试局")


def _docs() -> dict[str, bytes]:
    docs: dict[str, bytes] = {}
    n = 0
    for family in FAMILIES:
        for what in ("mixed", "turned", "sideways", "sideways_down"):
            docs[f"{what}_{family}"] = _mixed(_style(n), family)
            n += 1
        for labels in (True, False):
            docs[f"split_{family}_{'labels' if labels else 'bare'}"] = _split(_style(n), family, labels)
            n += 1
        docs[f"split_{family}_cut"] = _split(_style(n), family, True, cut=9)
        n += 1
        s = _style(n)
        docs[f"tall_{family}"] = B.document([B.p(s.cover()), *B.table_blocks(
            F.three_public("一般公共预算“三公”经费支出表", s, "vertical"), s, family, narrow=4, centred=True)],
            running=s.cover())
        n += 1
        s = _style(n)  # its header one heading: 项目's cell blank, 预算数 over the figures alone
        t = F.three_public("一般公共预算“三公”经费支出表", s, "vertical")
        docs[f"tall_{family}_one_heading"] = B.document([B.p(s.cover()), *B.table_blocks(
            F.Table(t.title, [["", s.figure]], t.body), s, family)], running=s.cover())
        n += 1
    for what in ("scan_all", "scan_later"):
        s = _style(n)
        blocks = [B.p(s.cover())]
        for t in _five(s):
            blocks += B.table_blocks(t, s, "full")
        docs[what] = B.document(blocks, running=s.cover())
        n += 1
    return docs


def _turned(src: pdfium.PdfDocument, rotate: bool, up: bool = True) -> pdfium.PdfDocument:
    """Each landscape page drawn on its side on an upright page, as a print driver writes it: saying ``/Rotate 90``
    (a viewer shows it upright) or not (a viewer shows it sideways, its text running ``up`` the page or down)."""
    out = pdfium.PdfDocument.new()
    for k in range(len(src)):
        w, h = src[k].get_size()
        if w <= h:
            out.import_pages(src, [k])
            continue
        page = out.new_page(h, w)
        obj = src.page_as_xobject(k, out).as_pageobject()
        obj.set_matrix(pdfium.PdfMatrix().rotate(90, ccw=True).translate(h, 0) if up else
                       pdfium.PdfMatrix().rotate(90).translate(0, w))
        page.insert_obj(obj)
        page.gen_content()
        if rotate:
            page.set_rotation(90)
    return out


def _scanned(src: pdfium.PdfDocument, pages: set[int]) -> pdfium.PdfDocument:
    """The ``pages`` (0-based) made images, as a scanner makes them (150 dpi, no text layer); the others as they are."""
    out = pdfium.PdfDocument.new()
    for k in range(len(src)):
        if k not in pages:
            out.import_pages(src, [k])
            continue
        image = src[k].render(scale=150 / 72).to_pil().convert("L")
        buf = io.BytesIO()
        image.save(buf, "PDF", resolution=150)
        out.import_pages(pdfium.PdfDocument(buf.getvalue()))
    return out


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    B.need_soffice()
    tmp = tmp_path_factory.mktemp("pdf_pages")
    paths = B.printed(_docs(), tmp)
    for path in paths:
        made = None
        if path.stem.startswith(("turned", "sideways")):
            made = _turned(pdfium.PdfDocument(path), rotate=path.stem.startswith("turned"), up="down" not in path.stem)
        elif path.stem.startswith("scan"):
            src = pdfium.PdfDocument(path)
            made = _scanned(src, set(range(len(src))) if path.stem == "scan_all" else set(range(1, len(src))))
        if made is not None:
            buf = io.BytesIO()
            made.save(buf)
            path.write_bytes(buf.getvalue())
    s = _style(len(paths))  # the one-heading 三公 table as the .docx itself: the reference its PDFs must equal
    t = F.three_public("一般公共预算“三公”经费支出表", s, "vertical")
    paths.append(tmp / "tall_docx_one_heading.docx")
    paths[-1].write_bytes(B.document([B.p(s.cover()), *B.table_blocks(F.Table(t.title, [["", s.figure]], t.body), s,
                                                                      "full")]))
    return ingested(paths, tmp / "w.duckdb")


def _parts(wh: Warehouse, file: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for kind, tables in wh.parts(file):
        out.setdefault(kind, []).extend(tables)
    return out


def _loaded_lines(wh: Warehouse, file: str) -> set:
    return {(c, m, a) for c, m, a in wh.con.execute(
        "select subject_code, measure, amount_wan from staging.budget_lines where document_id = ?",
        [wh.doc(file)[0]]).fetchall()}


@pytest.mark.parametrize("file", [f"{w}_{f}" for f in FAMILIES for w in ("mixed", "turned")])
def test_landscape_pages_among_upright_ones(wh, file):
    pdf = pdfium.PdfDocument(wh.paths[file])
    try:  # the premise: upright pages, and landscape ones (wide, or upright and turned by /Rotate 90)
        shapes = {(p.get_width() > p.get_height(), p.get_rotation()) for p in pdf}
    finally:
        pdf.close()
    assert shapes == {(False, 0), (True, 0) if file.startswith("mixed") else (True, 90)}
    _, status, _, year, _, _, unit = wh.doc(file)
    assert (status, year, unit) == ("loaded", F.YEAR, "万元")
    parts = _parts(wh, file)
    assert list(parts) == X.KINDS
    X.reads_the_five_tables(wh, file, parts)


@pytest.mark.parametrize("file", [f"{w}_{f}" for f in FAMILIES for w in ("sideways", "sideways_down")])
def test_landscape_pages_drawn_sideways_are_read_turned_upright(wh, file):
    pdf = pdfium.PdfDocument(wh.paths[file])
    try:  # the premise: every page upright, none turned by /Rotate; the tables' pages show their text sideways
        assert {(p.get_width() > p.get_height(), p.get_rotation()) for p in pdf} == {(False, 0)}
        n = len(pdf)
    finally:
        pdf.close()
    _, status, _, year, _, _, unit = wh.doc(file)
    assert (status, year, unit) == ("loaded", F.YEAR, "万元")
    parts = _parts(wh, file)
    assert list(parts) == X.KINDS
    sideways = [f for f in wh.findings(file) if f[1] == "content_readable"]
    assert len(sideways) == 1 and f"page(s) 2, 3, 4 of {n} print their text turned on its side" in sideways[0][4]
    assert sideways[0][0] == "warning"
    X.reads_the_five_tables(wh, file, parts, allowed={("warning", "content_readable")})


@pytest.mark.parametrize("file", [f"split_{f}_{w}" for f in FAMILIES for w in ("labels", "cut", "bare")])
def test_a_table_whose_last_columns_go_on_the_next_page(wh, file):
    lines = _loaded_lines(wh, file)
    assert lines <= WIDE_LINES  # never a figure under another column's measure
    left = {x for x in WIDE_LINES if x[1] in MEASURES[:6 if file.endswith("cut") else 7]}  # the first page's
    assert left <= lines  # the page the table opens on, read whole
    printed, read = (sum(wh.coverage(file, ts[0])[i] for _, ts in wh.parts(file)) for i in (0, 1))
    if file.endswith("labels"):  # its own row labels: a table of its own under its own headings, read whole
        assert lines == WIDE_LINES and read == printed == WIDE_PRINTED
    elif file.endswith("cut"):  # and where its first heading is cut off, read whole or shown as not read
        assert read + len([g for _, ts in wh.parts(file) for g in wh.gaps(file, ts[0])]) == printed
    else:  # no row labels: its figures are not read, and show as not read (left out, or in a table not recognised)
        assert lines == left and read < printed
        assert {"coverage", "table_recognised"} & {f[1] for f in wh.findings(file) if f[0] == "warning"}


def test_a_filing_scanned_whole_is_turned_away(wh):
    _, status, *_ = wh.doc("scan_all")
    assert status == "rejected"
    [(error,)] = wh.con.execute("select error from core.documents where document_id = ?",
                                [wh.doc("scan_all")[0]]).fetchall()
    assert "no text layer" in error and "OCR" in error


def test_a_filing_with_scanned_pages_says_which(wh):
    pdf = pdfium.PdfDocument(wh.paths["scan_later"])
    try:  # the premise: page 1 has text, the others none
        texts = [p.get_textpage().get_text_range().strip() for p in pdf]
    finally:
        pdf.close()
    assert texts[0] and not any(texts[1:]) and len(texts) >= 2
    _, status, _, year, _, _, unit = wh.doc("scan_later")
    assert (status, year, unit) == ("loaded", F.YEAR, "万元")
    parts = _parts(wh, "scan_later")
    assert list(parts) == X.KINDS[:3]  # the tables printed on page 1, each read whole
    assert set().union(*(wh.summary("scan_later", t) for t in parts["summary"])) == F.expect_summary(False)
    assert set().union(*(wh.lines("scan_later", t) for t in parts["expenditure"])) == F.expect_function(
        F.EXPENDITURE)
    pages = ", ".join(str(n) for n in range(2, len(texts) + 1))
    warned = [f for f in wh.findings("scan_later") if f[0] == "warning" and f[1] == "content_readable"]
    assert len(warned) == 1 and f"page(s) {pages} of {len(texts)}" in warned[0][4] and "OCR" in warned[0][4]


@pytest.mark.parametrize("family", FAMILIES)
def test_one_figure_a_line(wh, family):
    file = f"tall_{family}"
    [(kind, [table])] = wh.parts(file)
    assert kind == "three_public"
    assert wh.three_public(file, table) == F.expect_three_public("vertical")
    assert wh.coverage(file, table) == (5, 5)
    assert [f for f in wh.findings(file) if f[0] != "info"] == []


@pytest.mark.parametrize("family", FAMILIES)
def test_one_figure_a_line_under_one_heading_reads_as_its_docx(wh, family):
    # 项目's cell blank: the PDF's grid is the .docx's, and both leave the figures unread, said so — the 三公 table's
    # rows are known by a label column its header names (a limit of normalize, not of the PDF reader); never misfiled
    for file in (f"tall_{family}_one_heading", "tall_docx_one_heading"):
        [(kind, [table])] = wh.parts(file)
        assert kind == "three_public" and wh.coverage(file, table) == (5, 0)
        assert wh.three_public(file, table) == set() and _loaded_lines(wh, file) == set()
        assert [f[1] for f in wh.findings(file) if f[0] != "info"] == ["coverage"]
