"""pdf_reader on small PDFs built here byte by byte: geometry, text joining, and hostile files.

The PDFs are written by hand (objects + xref) so each test controls exactly which rules are drawn
and where each string sits.  Chinese text uses the non-embedded STSong-Light CID font with the
predefined UniGB-UCS2-H CMap, which pdfminer maps back to Unicode.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipelines.lib import pdf_layer
from pipelines.lib.errors import RejectedFile
from pipelines.lib.pdf_reader import MAX_PAGES, read_pdf

PAGE_H = 595  # landscape A4, like the real filings


def build_pdf(pages: list[bytes], *, encrypt: bool = False, flate: bool = False) -> bytes:
    """A minimal valid PDF: one content stream per page; /F1 Helvetica, /F2 STSong-Light.

    With ``flate`` the page contents are given already compressed and marked /FlateDecode.
    """
    objs: list[bytes | None] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    cid = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>"
    )
    f2 = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [%d 0 R] >>" % cid
    )
    objs.append(None)
    pages_id = len(objs)
    kids = []
    for content in pages:
        filters = b" /Filter /FlateDecode" if flate else b""
        c = add(b"<< /Length %d%s >>\nstream\n" % (len(content), filters) + content + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 842 %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>" % (pages_id, PAGE_H, c, f1, f2)
            )
        )
    objs[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    enc = 0
    if encrypt:
        # Standard security handler with an owner and a user password: the empty password fails.
        enc = add(
            b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <"
            + b"ab" * 32
            + b"> /U <"
            + b"cd" * 32
            + b"> >>"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + (body or b"null") + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objs) + 1, catalog)
    if enc:
        ident = b"<0123456789abcdef0123456789abcdef>"
        trailer += b" /Encrypt %d 0 R /ID [%s %s]" % (enc, ident, ident)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def cn(text: str, x: float, top: float, size: float = 12) -> bytes:
    """Chinese text whose glyph box starts at (x, top) in pdfplumber's top-down coordinates."""
    y = PAGE_H - top - size * 0.88
    return b"BT /F2 %g Tf %g %g Td <%s> Tj ET\n" % (size, x, y, text.encode("utf-16-be").hex().encode())


def en(text: str, x: float, top: float, size: float = 12) -> bytes:
    y = PAGE_H - top - size * 0.8
    return b"BT /F1 %g Tf %g %g Td (%s) Tj ET\n" % (size, x, y, text.encode("latin-1"))


def hrule(x0: float, x1: float, top: float) -> bytes:
    """A ruling line drawn the way the real filings do: a thin filled rectangle."""
    return b"0 0 0 rg %g %g %g 0.5 re f\n" % (x0, PAGE_H - top - 0.25, x1 - x0)


def vrule(x: float, top: float, bottom: float) -> bytes:
    return b"0 0 0 rg %g %g 0.5 %g re f\n" % (x - 0.25, PAGE_H - bottom, bottom - top)


def budget_page() -> bytes:
    """A 支出总表-like page: merged header cells, 类|款 code columns, a wrapped name, a blank cell."""
    s = cn("2023年部门支出预算总表", 304, 40, 18)
    s += cn("编制部门：测试街道办事处", 50, 75) + cn("单位：元", 700, 75)
    # columns: 类 50-100 | 款 100-150 | 名称 150-350 | 合计 350-500 | 项目支出 500-650
    s += hrule(50, 650, 100) + hrule(50, 150, 125) + hrule(50, 650, 150) + hrule(50, 650, 190)
    s += hrule(50, 650, 215)
    s += vrule(50, 100, 215) + vrule(100, 125, 190) + vrule(150, 100, 190)
    s += vrule(350, 100, 215) + vrule(500, 100, 215) + vrule(650, 100, 215)
    s += cn("功能分类科目编码", 52, 106) + cn("类", 70, 131) + cn("款", 120, 131)
    s += cn("功能分类科目名称", 180, 118) + cn("合计", 410, 118) + cn("项目支出", 550, 118)
    s += en("208", 60, 163) + en("05", 115, 163)
    s += cn("机关事业单位基本养老保险", 152, 155) + cn("缴费支出", 152, 172)
    s += en("4,412,547", 440, 163)
    s += cn("合计", 230, 197) + en("4,412,547", 440, 197)
    s += cn("注：本部门无项目支出，故本列为空。", 50, 230)
    return s


def narrative_page() -> bytes:
    """Running text: a heading, an indented paragraph wrapped over two lines, a page number."""
    s = cn("一、部门主要职能", 50, 60)
    s += cn("上海市测试街道办事处是区政府的派出机关，依据法律法规的规定履行相应", 74, 90)
    s += cn("的政府服务管理职能。", 50, 106)
    s += cn("主要职能包括：", 74, 122)
    s += en("2", 418, 560, 10)
    return s


def continuation_pages() -> list[bytes]:
    """A table closing one page, then its lone 合计 row on the next page without any header."""
    first = cn("2023年部门收入预算总表", 304, 40, 18)
    # columns 50 | 100 | 150 | 350 | 500 | 650 on both pages
    first += hrule(50, 650, 100) + hrule(50, 650, 125) + hrule(50, 650, 150)
    for x in (50, 100, 150, 350, 500, 650):
        first += vrule(x, 100, 150)
    first += cn("类", 70, 106) + cn("款", 120, 106) + cn("名称", 230, 106) + cn("合计", 410, 106)
    first += en("201", 60, 131) + cn("一般公共服务支出", 152, 131) + en("2,976,800", 440, 131)
    second = hrule(50, 650, 40) + hrule(50, 650, 65)
    for x in (50, 350, 500, 650):
        second += vrule(x, 40, 65)
    second += cn("合计", 230, 46) + en("2,976,800", 440, 46)
    return [first, second]


@pytest.fixture(scope="module")
def budget_doc():
    return read_pdf(build_pdf([budget_page(), narrative_page()]))


def _by_pos(table):
    return {(c.row, c.col): c for row in table.rows for c in row}


def test_one_table_with_its_grid(budget_doc):
    assert budget_doc.file_type == "pdf"
    assert budget_doc.pages == 2
    assert len(budget_doc.tables) == 1
    table = budget_doc.tables[0]
    assert (table.index, table.page, table.n_cols, len(table.rows)) == (0, 1, 5, 4)


def test_merged_cells_appear_once_with_spans(budget_doc):
    cells = _by_pos(budget_doc.tables[0])
    code = cells[(0, 0)]
    assert (code.text, code.col_span, code.row_span) == ("功能分类科目编码", 2, 1)
    name = cells[(0, 2)]
    assert (name.text, name.col_span, name.row_span) == ("功能分类科目名称", 1, 2)
    assert (1, 2) not in cells  # covered by the name header, not repeated
    total = cells[(3, 0)]
    assert (total.text, total.col_span) == ("合计", 3)
    assert [c.col for c in budget_doc.tables[0].rows[3]] == [0, 3, 4]


def test_code_columns_wrapped_name_and_blank_cell(budget_doc):
    row = budget_doc.tables[0].rows[2]
    assert [c.text for c in row] == ["208", "05", "机关事业单位基本养老保险缴费支出", "4,412,547", ""]
    assert [c.col for c in row] == [0, 1, 2, 3, 4]


def test_cells_carry_provenance(budget_doc):
    cell = budget_doc.tables[0].rows[2][3]
    assert (cell.table, cell.row, cell.page) == (0, 2, 1)
    x0, top, x1, bottom = cell.bbox
    assert (round(x0), round(top), round(x1), round(bottom)) == (350, 150, 500, 190)


def test_title_unit_and_note_around_the_table(budget_doc):
    table = budget_doc.tables[0]
    assert table.before == ["2023年部门支出预算总表", "编制部门：测试街道办事处 单位：元"]
    assert table.after == ["注：本部门无项目支出，故本列为空。"]


def test_paragraphs_join_wrapped_lines_and_keep_headings(budget_doc):
    texts = [p.text for p in budget_doc.paragraphs]
    assert "上海市测试街道办事处是区政府的派出机关，依据法律法规的规定履行相应的政府服务管理职能。" in texts
    assert "主要职能包括：" in texts
    assert "2" not in texts  # the page number
    heading = next(p for p in budget_doc.paragraphs if p.text == "一、部门主要职能")
    assert heading.is_heading and heading.page == 2
    body = next(p for p in budget_doc.paragraphs if p.text == "主要职能包括：")
    assert body.heading == "一、部门主要职能" and not body.is_heading
    assert [p.index for p in budget_doc.paragraphs] == list(range(len(budget_doc.paragraphs)))


def test_table_text_is_not_repeated_as_paragraphs(budget_doc):
    assert not any("4,412,547" in p.text or "功能分类科目编码" in p.text for p in budget_doc.paragraphs)


def test_headerless_continuation_takes_the_previous_tables_columns():
    doc = read_pdf(build_pdf(continuation_pages()))
    first, second = doc.tables
    assert (first.page, second.page) == (1, 2)
    assert first.n_cols == second.n_cols == 5
    assert second.before == []
    (row,) = second.rows
    assert [(c.col, c.col_span, c.text) for c in row] == [(0, 3, "合计"), (3, 1, "2,976,800"), (4, 1, "")]


def test_scan_without_text_layer_is_rejected():
    rendered = pdfium.PdfDocument(build_pdf([budget_page()]))
    try:
        image = rendered[0].render(scale=0.5).to_pil()
    finally:
        rendered.close()
    buf = io.BytesIO()
    image.save(buf, format="PDF")
    with pytest.raises(RejectedFile) as err:
        read_pdf(buf.getvalue())
    assert err.value.kind == "scan"
    assert "has no text layer — it is a scan; OCR is not supported yet" in err.value.reason


def test_blank_pdf_is_rejected_as_textless():
    with pytest.raises(RejectedFile) as err:
        read_pdf(build_pdf([b""]))
    assert err.value.kind == "no_text"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 40, "not_pdf"),
        (b"PK\x03\x04" + b"\0" * 100, "not_pdf"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n", "corrupt"),
    ],
)
def test_garbage_is_rejected(data, kind):
    with pytest.raises(RejectedFile) as err:
        read_pdf(data)
    assert err.value.kind == kind
    assert err.value.reason


def test_truncated_pdf_is_rejected():
    data = build_pdf([budget_page(), narrative_page()])
    with pytest.raises(RejectedFile) as err:
        read_pdf(data[: len(data) * 2 // 3])
    assert err.value.kind == "truncated"
    assert "truncated" in err.value.reason


def test_password_protected_pdf_is_rejected():
    with pytest.raises(RejectedFile) as err:
        read_pdf(build_pdf([narrative_page()], encrypt=True))
    assert err.value.kind == "encrypted"
    assert "password" in err.value.reason


def test_too_many_pages_is_rejected():
    with pytest.raises(RejectedFile) as err:
        read_pdf(build_pdf([b""] * (MAX_PAGES + 1)))
    assert err.value.kind == "too_large"
    assert str(MAX_PAGES + 1) in err.value.reason


def two_tables_page() -> bytes:
    """Two small tables on one page, each with its own title; the first has a two-line note."""
    s = cn("6．政府性基金预算支出表", 50, 40, 14) + cn("单位：元", 700, 60)
    s += hrule(50, 650, 80) + hrule(50, 650, 105) + hrule(50, 650, 130)
    for x in (50, 350, 650):
        s += vrule(x, 80, 130)
    s += cn("项目", 60, 86) + cn("金额", 360, 86) + cn("合计", 60, 111)
    s += cn("注：本部门无政府性基金预算，", 50, 140) + cn("1. 故本表为空表。", 50, 156)
    s += cn("7．国有资本经营预算支出表", 50, 200, 14) + cn("单位：元", 700, 220)
    s += hrule(50, 650, 240) + hrule(50, 650, 265) + hrule(50, 650, 290)
    for x in (50, 350, 650):
        s += vrule(x, 240, 290)
    s += cn("项目", 60, 246) + cn("金额", 360, 246) + cn("无", 60, 271)
    return s


def test_two_tables_on_one_page_split_the_text_between_them():
    # the second table's 无 is a one-character text object in a font the PDF does not embed (see below)
    assert pdf_layer.cjk_stand_in(), "no Chinese font on this machine: ./scripts/test.sh installs fonts-noto-cjk"
    first, second = read_pdf(build_pdf([two_tables_page()])).tables
    assert first.before == ["6．政府性基金预算支出表", "单位：元"]
    assert first.after == ["注：本部门无政府性基金预算，", "1. 故本表为空表。"]
    assert second.before == ["7．国有资本经营预算支出表", "单位：元"]
    assert second.after == []
    assert [c.text for c in second.rows[1]] == ["无", ""]


def test_damaged_bytes_never_escape_as_other_errors():
    """Random byte damage gives a RawDocument or a RejectedFile, nothing else."""
    base = build_pdf([budget_page(), narrative_page()])
    rng = random.Random(20260101)
    outcomes = set()
    for _ in range(40):
        data = bytearray(base)
        for _ in range(rng.randint(1, 12)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            read_pdf(bytes(data))
            outcomes.add("read")
        except RejectedFile as err:
            assert err.reason
            outcomes.add(err.kind)
    assert "read" in outcomes and len(outcomes) > 1


def test_white_boxes_make_no_table():
    """Like the 2024 table of contents: text laid out in white-filled boxes is running text."""
    s = b""
    for i, entry in enumerate(["一、部门主要职能", "二、部门机构设置", "三、名词解释"]):
        top = 60 + 25 * i
        # the boxes are white, the text in them black (white text there would be hidden: never read)
        s += b"1 1 1 rg 50 %g 600 25 re f 0 0 0 rg\n" % (PAGE_H - top - 25) + cn(entry, 60, top + 6)
    s += b"1 1 1 RG 0.5 w 300 100 m 300 400 l S\n"  # a white stroked line
    doc = read_pdf(build_pdf([s]))
    assert doc.tables == []
    assert [p.text for p in doc.paragraphs] == ["一、部门主要职能", "二、部门机构设置", "三、名词解释"]


# --------------------------------------------------------------------------- tables broken across pages
# Word and LibreOffice repeat no header row on a new page unless it is marked, and let a row (or a cell
# merged down over two rows) break across the page: the pages below are built that way.

RUNNING = "合成样例：本文件数据为虚构"


def grid(xs: list[float], tops: list[float]) -> bytes:
    """Full rules: a horizontal line at each top, a vertical line at each x from the first top to the last."""
    s = b"".join(hrule(xs[0], xs[-1], t) for t in tops)
    return s + b"".join(vrule(x, tops[0], tops[-1]) for x in xs)


def cut_header_pages() -> list[bytes]:
    """The header's first row closes page 1 (功能分类科目 merged over two columns, 经营支出 wrapped in a narrow
    cell); page 2 opens with the sub-headings, the wrapped word's remainder and the body."""
    first = cn(RUNNING, 50, 20, 10) + cn("部门预算支出总表", 50, 500, 14)
    first += hrule(50, 350, 530) + hrule(50, 350, 555)
    first += b"".join(vrule(x, 530, 555) for x in (50, 100, 320, 350))
    first += cn("序号", 52, 536) + cn("功能分类科目", 102, 536) + cn("经营", 322, 536)
    second = cn(RUNNING, 50, 20, 10)
    second += grid([50, 100, 200, 320, 350], [40, 65, 90])
    second += cn("科目编码", 102, 46) + cn("科目名称", 202, 46) + cn("支出", 322, 46)
    second += en("1", 52, 71) + en("201", 102, 71) + cn("一般公共服务支出", 202, 71) + en("5", 322, 71)
    return [first, second]


def test_a_header_cut_by_a_page_break_shares_one_grid_and_rejoins_its_words():
    doc = read_pdf(build_pdf(cut_header_pages()))
    first, second = doc.tables
    assert first.n_cols == second.n_cols == 4
    assert [(c.col, c.col_span, c.text) for c in first.rows[0]] == [
        (0, 1, "序号"), (1, 2, "功能分类科目"), (3, 1, "经营支出"),
    ]  # fmt: skip
    assert [c.text for c in second.rows[0]] == ["", "科目编码", "科目名称", ""]
    assert second.before == []  # the running header is no paragraph
    assert not any(RUNNING in p.text for p in doc.paragraphs)
    from pipelines.lib.classify import classify

    (table,) = classify(doc).tables
    assert table.parts == [0, 1]
    assert table.header == ["序号", "功能分类科目 / 科目编码", "功能分类科目 / 科目名称", "经营支出"]
    assert [table.values(r) for r in table.body] == [["1", "201", "一般公共服务支出", "5"]]


def cut_row_pages(second_first_row: bytes) -> list[bytes]:
    """A body row closes page 1 with its name filling the cell's line; page 2 opens with ``second_first_row``."""
    first = cn("部门预算支出总表", 50, 440, 14)
    first += grid([50, 100, 200, 320, 400], [480, 505, 530, 555])
    first += cn("序号", 52, 486) + cn("科目编码", 102, 486) + cn("科目名称", 202, 486) + cn("合计", 322, 486)
    first += en("1", 52, 511) + en("201", 102, 511) + cn("一般公共服务支出", 202, 511) + en("150.00", 322, 511)
    first += en("2", 52, 536) + en("20101", 102, 536) + cn("人大事务其他人大事", 202, 536) + en("50.00", 322, 536)
    first += en("7", 418, 570, 10)  # a page number below the table does not end it
    second = grid([50, 100, 200, 320, 400], [40, 65, 90]) + second_first_row
    second += en("3", 52, 71) + en("2010101", 102, 71) + cn("行政运行", 202, 71) + en("100.00", 322, 71)
    return [first, second]


def test_words_a_page_break_cut_off_go_back_to_their_cell():
    first, second = read_pdf(build_pdf(cut_row_pages(cn("务支出", 202, 46)))).tables
    assert [c.text for c in first.rows[-1]] == ["2", "20101", "人大事务其他人大事务支出", "50.00"]
    assert [[c.text for c in r] for r in second.rows] == [["3", "2010101", "行政运行", "100.00"]]


def test_a_row_of_its_own_under_a_full_cell_stays_where_it_is():
    row = en("9", 52, 46) + cn("务支出", 202, 46)  # a 序号 under a short cell: a new row, not a remainder
    first, second = read_pdf(build_pdf(cut_row_pages(row))).tables
    assert first.rows[-1][2].text == "人大事务其他人大事"
    assert [c.text for c in second.rows[0]] == ["9", "", "务支出", ""]


def test_a_title_closing_a_page_and_a_note_opening_the_next_belong_to_their_tables():
    first = cn("一、部门收支情况", 50, 40) + grid([50, 350, 650], [80, 105, 130])
    first += cn("项目", 60, 86) + cn("金额", 360, 86) + cn("合计", 60, 111) + en("10", 360, 111)
    first += cn("部门预算收入总表", 50, 540, 14)
    second = grid([50, 350, 650], [40, 65, 90]) + cn("项目", 60, 46) + cn("金额", 360, 46)
    second += cn("合计", 60, 71) + en("10", 360, 71)
    third = cn("注：无政府性基金预算，空表列示。", 50, 40) + cn("二、其他说明", 50, 70)
    doc = read_pdf(build_pdf([first, second, third]))
    a, b = doc.tables
    assert (a.page, b.page) == (1, 2)
    assert a.after == []
    assert b.before == ["部门预算收入总表"]
    assert b.after == ["注：无政府性基金预算，空表列示。"]


def test_reading_prints_nothing_and_pdfminer_chatter_stays_off_at_debug():
    """A good file reads silently, and so does one whose text cannot be read, which goes through
    pdfminer (to tell damage from a scan); under DEBUG pdfminer's token-by-token chatter stays off."""
    script = (
        "import logging, sys, zlib\n"
        "from tests.unit.test_pdf_reader import build_pdf, budget_page, cn\n"
        "from pipelines.lib.pdf_reader import read_pdf\n"
        "from pipelines.lib.errors import RejectedFile\n"
        "good = build_pdf([budget_page()])\n"
        "packed = bytearray(zlib.compress(b''.join(cn('一般公共服务支出', 50, 40 + 20 * i) for i in range(20))))\n"
        "for k in range(8, len(packed), 5): packed[k] ^= 0x5A\n"
        "bad = build_pdf([bytes(packed)], flate=True)\n"
        "def both():\n"
        "    read_pdf(good)\n"
        "    try: read_pdf(bad)\n"
        "    except RejectedFile: pass\n"
        "both()\n"
        "sys.stderr.write('--debug--\\n')\n"
        "logging.basicConfig(level=logging.DEBUG)\n"
        "both()\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    quiet, debug = done.stderr.split("--debug--\n")
    assert quiet == ""
    assert "nexttoken" not in debug  # pdfminer's own token-by-token DEBUG chatter stays off


# --------------------------------------------------------------------------- damaged, not scanned


def test_text_in_a_corrupt_content_stream_is_damage_not_a_scan():
    page = b"".join(cn("一般公共服务支出", 50, 40 + 20 * i) for i in range(20))
    packed = bytearray(zlib.compress(page))
    for k in range(8, len(packed), 5):
        packed[k] ^= 0x5A
    with pytest.raises(RejectedFile) as err:
        read_pdf(build_pdf([bytes(packed)], flate=True))
    assert err.value.kind == "corrupt"
    assert "damaged" in err.value.reason and "not a scan" in err.value.reason
    assert "fetch or export it again" in err.value.reason


def test_a_compressed_page_reads_and_a_blank_one_with_fonts_is_textless():
    doc = read_pdf(build_pdf([zlib.compress(cn("一般公共服务支出", 50, 40))], flate=True))
    assert [p.text for p in doc.paragraphs] == ["一般公共服务支出"]
    with pytest.raises(RejectedFile) as err:  # fonts declared, nothing drawn: blank, not damaged
        read_pdf(build_pdf([zlib.compress(b"")], flate=True))
    assert err.value.kind == "no_text"


@pytest.mark.real
def test_a_corrupt_embedded_font_is_damage_not_a_scan():
    """One byte flipped deep inside the embedded SimSun of a real filing: pdfium then reads no character."""
    from tests.real.real_samples import REAL_PDFS

    src = pdfium.PdfDocument(REAL_PDFS[2023].read_bytes())
    part = pdfium.PdfDocument.new()
    part.import_pages(src, [9, 10])
    buf = io.BytesIO()
    part.save(buf)
    data = bytearray(buf.getvalue())
    font = re.search(rb"/FontFile2 (\d+) 0 R", data).group(1)
    start = re.search(rb"\n" + font + rb" 0 obj\s*<<.*?>>\s*stream\r?\n", data, re.S).end()
    data[start + 20000] ^= 0x55
    with pytest.raises(RejectedFile) as err:
        read_pdf(bytes(data))
    assert err.value.kind == "corrupt"
    assert err.value.reason.startswith("the PDF is damaged: its pages draw text but none of it can be read")


# --------------------------------------------------------------------------- what a viewer does not show
# (#17) Hidden glyphs are never read: render mode 3 (invisible) or 7 (clip only), and text painted in the
# colour of what lies under it — white on the page, or the colour of a filled box it sits on.


def _texts(content: bytes) -> list[str]:
    return [p.text for p in read_pdf(build_pdf([cn("预算说明", 50, 40) + content])).paragraphs]


@pytest.mark.parametrize(
    "hidden",
    [
        b"3 Tr " + cn("隐藏文字", 50, 100),  # invisible
        b"7 Tr " + cn("隐藏文字", 50, 100),  # clip only
        b"1 1 1 rg " + cn("隐藏文字", 50, 100),  # white on the white page
        b"1 g " + cn("隐藏文字", 50, 100),  # the same in DeviceGray
        b"0.2 0.4 0.8 rg 40 %d 200 30 re f " % (PAGE_H - 125) + cn("隐藏文字", 50, 100),  # blue on blue
        b"0 g 40 %d 200 30 re f " % (PAGE_H - 125) + cn("隐藏文字", 50, 100),  # black on black
    ],
    ids=["render-mode-3", "render-mode-7", "white", "gray-white", "blue-on-blue", "black-on-black"],
)
def test_text_a_viewer_does_not_show_is_not_read(hidden):
    assert _texts(b"q " + hidden + b" Q") == ["预算说明"]


@pytest.mark.parametrize(
    "shown",
    [
        b"1 1 1 rg 0 g " + cn("可见文字", 50, 100),  # black after all
        b"0 0 0 rg 40 %d 200 30 re f 1 1 1 rg " % (PAGE_H - 125) + cn("可见文字", 50, 100),  # white on black
        b"1 1 1 rg 40 %d 200 30 re f 0.5 g " % (PAGE_H - 125) + cn("可见文字", 50, 100),  # gray on white box
        b"2 Tr " + cn("可见文字", 50, 100),  # fill and stroke
    ],
    ids=["black", "white-on-black", "gray-on-white-box", "render-mode-2"],
)
def test_text_a_viewer_shows_is_read(shown):
    assert _texts(b"q " + shown + b" Q") == ["预算说明", "可见文字"]


@pytest.mark.parametrize("stand_in", [True, False], ids=["a Chinese font installed", "none"])
def test_a_pdf_not_embedding_its_chinese_font_says_so_on_a_machine_without_one(monkeypatch, stand_in):
    """PDFium draws a font a PDF names but does not embed (STSong-Light here, iText's default) with one of the
    machine's; with no Chinese font installed it leaves every one-character text object out of the text layer (a
    cell's 无 reads blank).  On such a machine a PDF printing in such a font gets a note saying so and what to
    install; with a font, or for a PDF whose only unembedded fonts are the standard 14, nothing is said."""
    monkeypatch.setattr(pdf_layer, "cjk_stand_in", lambda: stand_in)
    notes = read_pdf(build_pdf([two_tables_page()])).notes
    said = [n for n in notes if "does not embed" in n]
    if stand_in:
        assert said == []
    else:
        assert len(said) == 1 and "STSong-Light" in said[0] and "fonts-noto-cjk" in said[0]
    latin = build_pdf([en("Total 100", 50, 50) + en("Other 200", 50, 80)])  # Helvetica, not embedded: standard
    assert not [n for n in read_pdf(latin).notes if "does not embed" in n]


def test_the_probe_for_a_chinese_stand_in_is_the_case_it_stands_for():
    """The probe (one 无 in an unembedded STSong-Light) answers as the layer behaves: with a stand-in a one-character
    object is read, without one it is not — the same as for the test PDFs' cells."""
    probe = pdfium.PdfDocument(pdf_layer._probe_pdf())
    alone = pdfium.PdfDocument(build_pdf([cn("无", 60, 271)]))
    try:
        counts = [doc[0].get_textpage().count_chars() for doc in (probe, alone)]
    finally:
        probe.close()
        alone.close()
    assert counts[0] == counts[1] == (1 if pdf_layer.cjk_stand_in() else 0)
