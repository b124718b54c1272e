"""Columns too narrow for what they print, on filings built as a government export is built (a .docx printed by
LibreOffice, ``build.py``), with no rule, in the 三线表 and with every rule, read by ``yusuan ingest``'s own function:

- **amounts wrapped in their cells**: the five tables of ``tests/variants/filings.py`` in 元, their columns of
  figures sized for shorter ones, so that LibreOffice wraps 1,505,000.00 as ``1,505,000.`` / ``00``, 1505000.00 as
  ``1505000.`` / ``00``, 803,000.00 as ``803,000.0`` / ``0``, 1505000.00 as ``150500`` / ``0.00`` or, in 元 without
  decimals, 1505000 as ``15050`` / ``00``, or with one decimal, 1205000.0 as ``1205000.`` / ``0``, ``120500`` /
  ``0.0``, ``12050`` / ``00.0``, 120.5 万元 as ``120.`` / ``5`` — and a row whose wrapped amounts the page break cuts
  between their lines, or a table's last row alone atop the next page under its running header.  Each must read as
  the figures typed there;
- **sixteen columns on an upright page**: a 基本支出 table by economic class printing its uses and its fund sources
  side by side (类 | 款 | 科目名称 | 合计 | 人员经费 | 公用经费 | 财政拨款 (小计 | 一般公共预算 | 政府性基金预算 |
  国有资本经营预算) | 财政专户管理资金 | 单位资金 (事业收入 | … | 其他收入)), set in 6 pt to fit A4 upright, its
  headings wrapped over up to four lines, typed below; and in 7 pt, its columns so narrow that the codes wrap
  (``30`` / ``1``) and 财政专户管理资金 stands one glyph a line beside 单位资金 (printed left over its five children,
  which once made the glyphs' column a child of 单位资金 and left its three figures unread).
"""

from __future__ import annotations

from decimal import Decimal

import pypdfium2 as pdfium
import pytest

from pipelines.lib import pdf_layer, pdf_page, pdf_text_tables
from tests.docx_builder import C
from tests.pdf_layouts import build as B
from tests.pdf_layouts import expect as X
from tests.variants import filings as F
from tests.variants.warehouse import Warehouse, ingested

D = Decimal
# name → (family, amount_width, style options)
WRAPPED = {
    "sep_none": ("none", 8, {"thousands": True}),
    "sep_three_line": ("three_line", 8, {"thousands": True}),
    "sep_full": ("full", 8, {"thousands": True}),
    "plain_none": ("none", 7, {}),
    "plain_full": ("full", 7, {}),
    "integral_none": ("none", 6, {}),
    "integers_none": ("none", 5, {"decimals": 0}),  # 元 without decimals: 15050 / 00, 30000 / 0
    "integers_full": ("full", 5, {"decimals": 0}),
    # one decimal, no separator (1205000.0 in 元, 120.5 in 万元): 1205000. / 0 (and, in this filing, the 支出总表's last
    # row alone atop the next page, under the running header), 120500 / 0.0, 12050 / 00.0, 120. / 5
    "tenths_7_none": ("none", 7, {"decimals": 1}),
    "tenths_6_none": ("none", 6, {"decimals": 1}),
    "tenths_5_none": ("none", 5, {"decimals": 1}),
    "tenths_6_full": ("full", 6, {"decimals": 1}),
    "tenths_wan_none": ("none", 3, {"decimals": 1, "unit": "万元"}),
}
STEMS = "甲乙丙丁戊己庚辛壬癸"

# The 16-column 基本支出 table (万元), typed: code, name, then 合计 | 人员经费 | 公用经费 | 财政拨款 小计 | 一般公共预算 |
# 政府性基金预算 | 国有资本经营预算 | 财政专户管理资金 | 事业收入 | 事业单位经营收入 | 上级补助收入 | 附属单位上缴收入 | 其他收入
MEASURES = ["total", "personnel", "public_operating", "fiscal_appropriation", "general_public", "gov_fund",
            "soe_capital", "fiscal_special_account", "business", "operating", "superior_subsidy", "affiliate_remittance",
            "other"]
WIDE = [
    ("", "合计", "115.10", "99.90", "15.20", "107.00", "105.20", "1.00", "0.80", "2.10", "3.00", "0.60", "1.50", "0.40",
     "0.50"),
    ("301", "工资福利支出", "95.10", "95.10", "", "90.00", "90.00", "", "", "2.10", "3.00", "", "", "", ""),
    ("30101", "基本工资", "65.10", "65.10", "", "60.00", "60.00", "", "", "2.10", "3.00", "", "", "", ""),
    ("30108", "机关事业单位基本养老保险缴费", "30.00", "30.00", "", "30.00", "30.00", "", "", "", "", "", "", "", ""),
    ("302", "商品和服务支出", "15.20", "", "15.20", "13.20", "12.20", "1.00", "", "", "", "", "1.50", "", "0.50"),
    ("30201", "办公费", "15.20", "", "15.20", "13.20", "12.20", "1.00", "", "", "", "", "1.50", "", "0.50"),
    ("303", "对个人和家庭的补助", "4.80", "4.80", "", "3.80", "3.00", "", "0.80", "", "", "0.60", "", "0.40", ""),
    ("30305", "生活补助", "4.80", "4.80", "", "3.80", "3.00", "", "0.80", "", "", "0.60", "", "0.40", ""),
]
WIDE_LINES = {(code, m, D(v)) for code, _, *vals in WIDE if code for m, v in zip(MEASURES, vals, strict=True) if v}
WIDE_PRINTED = sum(1 for _, _, *vals in WIDE for v in vals if v)  # 57
# name → (family, font size in half-points)
SIXTEEN = {"sixteen_none": ("none", 12), "sixteen_three_line": ("three_line", 12), "sixteen_full": ("full", 12),
           # 7 pt: the columns so narrow that the codes wrap (30 / 1) and 财政专户管理资金 stands one glyph a line beside
           # 单位资金, printed left over its five children
           "crowded_none": ("none", 14), "crowded_three_line": ("three_line", 14), "crowded_full": ("full", 14)}


def wide(title: str) -> F.Table:
    v = F.V
    header = [[C("部门预算经济分类科目编码", span=2), C("科目名称", vmerge="restart"), C("合计", vmerge="restart"),
               C("人员经费", vmerge="restart"), C("公用经费", vmerge="restart"), C("财政拨款", span=4),
               C("财政专户管理资金", vmerge="restart"), C("单位资金", span=5)],
              ["类", "款", *(C("", vmerge=v) for _ in range(4)), "小计", "一般公共预算", "政府性基金预算",
               "国有资本经营预算", C("", vmerge=v), "事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入",
               "其他收入"]]
    return F.Table(title, header, [[c[:3], c[3:5], n, *vals] for c, n, *vals in WIDE])


def _five(s: F.Style) -> list[F.Table]:
    return [F.summary("部门收支总表", s), F.income("部门收入总表", s), F.expenditure("部门支出总表", s),
            F.basic("一般公共预算基本支出表", s), F.three_public("一般公共预算“三公”经费支出表", s)]


def _docs() -> dict[str, bytes]:
    docs = {}
    for i, (name, (family, width, style)) in enumerate(WRAPPED.items()):
        s = F.Style(dept=f"魏县窄栏{STEMS[i // 10]}{STEMS[i % 10]}测试局", **{"unit": "元", **style})
        blocks = [B.p(s.cover())]
        for t in _five(s):
            blocks += B.table_blocks(t, s, family, amount_width=width)
        docs[name] = B.document(blocks, running=s.cover())
    for i, (name, (family, size)) in enumerate(SIXTEEN.items()):
        s = F.Style(dept=f"魏县宽栏{STEMS[i]}核算局")
        docs[name] = B.document([B.p(s.cover()), *B.table_blocks(wide("一般公共预算基本支出表"), s, family, size=size)],
                                running=s.cover())
    return docs


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    B.need_soffice()
    tmp = tmp_path_factory.mktemp("pdf_narrow")
    paths = B.printed(_docs(), tmp)
    s = F.Style(dept="魏县宽栏文档核算局")  # the 16 columns as the .docx itself: the reference the PDFs must equal
    paths.append(tmp / "sixteen_docx.docx")
    paths[-1].write_bytes(B.document([B.p(s.cover()), *B.table_blocks(wide("一般公共预算基本支出表"), s, "full")]))
    return ingested(paths, tmp / "w.duckdb")


def _texts(wh: Warehouse, file: str) -> list[str]:
    """The amounts as the warehouse's lines keep their printed text."""
    return [t for (t,) in wh.con.execute("select amount_text from staging.budget_lines where document_id = ?",
                                         [wh.doc(file)[0]]).fetchall()]


@pytest.mark.parametrize("file", list(WRAPPED))
def test_amounts_wrapped_in_their_cells(wh, file):
    _, status, _, year, _, _, unit = wh.doc(file)
    assert (status, year, unit) == ("loaded", F.YEAR, WRAPPED[file][2].get("unit", "元"))
    X.reads_the_five_tables(wh, file, dict(wh.parts(file)))
    _, status, _, year, _, _, unit = wh.doc(file)
    # typed: 201 一般公共服务支出 120.50 万元 printed as 1,205,000.00 (1205000.00, 1205000, 1205000.0, 120.5), whole again
    style = WRAPPED[file][2]
    printed = {"thousands": "1,205,000.00"}.get(next(iter(style))) if "thousands" in style else \
        {(0, "元"): "1205000", (1, "元"): "1205000.0", (1, "万元"): "120.5"}.get((style.get("decimals"), unit), "1205000.00")
    assert printed in _texts(wh, file)


@pytest.mark.parametrize("file", [*SIXTEEN, "sixteen_docx"])
def test_sixteen_columns_on_an_upright_page(wh, file):
    _, status, _, year, doc_type, _, unit = wh.doc(file)
    assert (status, year, doc_type, unit) == ("loaded", F.YEAR, "budget", "万元")
    [(kind, [table])] = wh.parts(file)
    assert kind == "basic_expenditure"
    assert wh.lines(file, table) == WIDE_LINES
    assert wh.coverage(file, table) == (WIDE_PRINTED, WIDE_PRINTED)
    assert [f for f in wh.findings(file) if f[0] != "info"] == []


def test_sixteen_columns_at_seven_points_wrap_their_headings_a_glyph_a_line(wh):
    # the sweep's premise, in the PDF's own text: at 7 pt 财政专户管理资金 stands one glyph a line (财 / 政 / 专 / 户 / …)
    # and 30101 wraps as 30 / 1; at 6 pt neither
    def cells(file: str) -> set[str]:  # each line's texts, split where a cell's padding parts them
        pdf = pdfium.PdfDocument(wh.paths[file])
        try:
            layer = pdf_layer.read_page(pdf[0], 1)
        finally:
            pdf.close()
        return {k.text for g in pdf_page.cluster_lines(layer.chars) for k in pdf_text_tables.chunks(g)}

    for file in ("crowded_none", "crowded_three_line", "crowded_full"):
        assert {"财", "政", "专", "户", "30", "1"} <= cells(file)
    assert not {"财", "政", "1"} & cells("sixteen_none")
