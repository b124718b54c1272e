"""Department names that hold a doc-type or scope word of their own (人大常委会预算工作委员会, 财政局决算审查中心,
预决算编审中心, 机关事业单位社会保险中心; 预算 / 决算 followed by any word up to a body's ending: 财政局预算股,
决算办公室, 预算投资评审中心, 预算监督室, 预算外资金管理局, 预算会计核算中心), on covers printed the ways real filings print them (the title forms of
../shared/seed/VARIANTS.md and ../shared/real_samples: ``2026年烟台市财政局部门预算``, ``2026年度 / 福州市商务局 / 部门预算``,
``西南大学 / 2021年度部门预算``, ``2026年深圳市民政局（本级）部门预算``), in generated filings whose tables print no
编制部门 line (only the cover names the department) or do: the whole name comes out, with the filing's doc_type and
scope, never a name cut at its 预算 (魏县人大常委会) or a tail of it (算工作委员会)."""

from __future__ import annotations

import pytest

from tests.docx_builder import build_docx, p, tbl
from tests.variants import filings as F
from tests.variants.warehouse import Warehouse, ingested

Y = F.YEAR
RD = "魏县人大常委会预算工作委员会"
JS = "魏县财政局决算审查中心"
YJ = "魏县财政局预决算编审中心"
SB = "魏县机关事业单位社会保险中心"
# 预算 / 决算 followed by a word no list names, the name going on to a body's ending (layouts.BUDGET_BODY_ENDINGS)
GU = "魏县财政局预算股"
BG = "魏县财政局决算办公室"
TZ = "魏县财政预算投资评审中心"
JD = "魏县人大常委会预算监督室"
WZ = "魏县预算外资金管理局"
KJ = "魏县财政局预算会计核算中心"
# file → (cover lines, the 编制部门 line's name or None, 决算?, expected (department_name, doc_type, scope))
CASES = {
    "rd_year_first": ([f"{Y}年{RD}部门预算"], None, False, (RD, "budget", "department")),
    "rd_name_first_final": ([RD, f"{Y}年度部门决算"], None, True, (RD, "final_accounts", "department")),
    "rd_labelled_unit": ([f"{Y}年{RD}单位预算"], RD, False, (RD, "budget", "unit")),
    "js_split": ([f"{Y}年度", JS, "部门预算"], None, False, (JS, "budget", "department")),
    "js_unit_final": ([f"{Y}年{JS}单位决算"], None, True, (JS, "final_accounts", "unit")),
    "yj_year_first": ([f"{Y}年{YJ}部门决算"], None, True, (YJ, "final_accounts", "department")),
    "sb_year_first": ([f"{Y}年{SB}部门预算"], None, False, (SB, "budget", "department")),
    "sb_own_organ": ([f"{Y}年{SB}（本级）部门预算"], None, False, (SB, "budget", "unit")),
    "sb_labelled_final": ([SB, f"{Y}年度单位决算"], SB, True, (SB, "final_accounts", "unit")),
    "gu_year_first": ([f"{Y}年{GU}部门预算"], None, False, (GU, "budget", "department")),
    "bg_name_first_final": ([BG, f"{Y}年度部门决算"], None, True, (BG, "final_accounts", "department")),
    "tz_year_first": ([f"{Y}年{TZ}部门预算"], None, False, (TZ, "budget", "department")),
    "jd_name_year": ([f"{JD}{Y}年单位预算"], None, False, (JD, "budget", "unit")),
    "wz_labelled": ([f"{Y}年{WZ}部门预算"], WZ, False, (WZ, "budget", "department")),
    "kj_split_final": ([f"{Y}年度", KJ, "部门决算"], None, True, (KJ, "final_accounts", "department")),
}


def _table(t) -> object:
    rows = [*t.header, *t.body]
    return tbl(rows, n_cols=max(sum(getattr(c, "span", 1) for c in r) for r in rows))


def blocks(cover: list[str], label: str | None, final: bool, table=_table) -> list:
    """The cover's lines, then 收支总表 and the 三公 table, each under its title, its 编制部门 line (``label``) and
    单位：万元; ``table`` makes each table's XML (a plain grid here; tests/pdf_layouts prints it without rules)."""
    s = F.Style(final=final)
    tables = [F.summary("收入支出决算总表" if final else "部门收支总表", s),
              F.three_public("财政拨款“三公”经费支出决算表" if final else "一般公共预算“三公”经费支出表", s,
                             "final_wide" if final else "wide")]
    out = [p(line) for line in cover]
    for t in tables:
        out += [p(t.title, heading=True), *([p(f"编制部门：{label}")] if label else []), p("单位：万元"), table(t)]
    return out


def _docx(cover: list[str], label: str | None, final: bool) -> bytes:
    return build_docx(blocks(cover, label, final))


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    tmp = tmp_path_factory.mktemp("names")
    paths = []
    for name, (cover, label, final, _) in CASES.items():
        paths.append(tmp / f"{name}.docx")
        paths[-1].write_bytes(_docx(cover, label, final))
    return ingested(paths, tmp / "w.duckdb")


@pytest.mark.parametrize("file", list(CASES))
def test_name_holding_a_doc_word_comes_out_whole(wh, file):
    _, status, dept, year, doc_type, scope, _ = wh.doc(file)
    assert (status, year) == ("loaded", Y)
    assert (dept, doc_type, scope) == CASES[file][3]
    # its figures are its own: the 收支总表 reads as typed
    assert wh.summary(file, 0) == F.expect_summary(CASES[file][2])
    assert not [f for f in wh.findings(file) if f[1] == "identity" or "identity:" in f[4]]
