"""pdf_reader on the three real published filings in ../shared/real_samples.

Every figure here was typed by hand from the printed PDF pages (values exactly as printed, with
their thousands separators or lack of them).  The files are parsed once per module.
"""

from __future__ import annotations

from collections import Counter

import pytest

from pipelines.lib.model import RawDocument, RawTable

pytestmark = pytest.mark.real  # skipped without ../shared, a failure in CI (tests/conftest.py)


@pytest.fixture(scope="module")
def w23(real_pdf_docs) -> RawDocument:
    return real_pdf_docs[2023]


@pytest.fixture(scope="module")
def w24(real_pdf_docs) -> RawDocument:
    return real_pdf_docs[2024]


@pytest.fixture(scope="module")
def s26(real_pdf_docs) -> RawDocument:
    return real_pdf_docs[2026]


def on_page(doc: RawDocument, page: int) -> RawTable:
    (table,) = [t for t in doc.tables if t.page == page]
    return table


def texts(row) -> list[str]:
    return [c.text for c in row]


def find_row(table: RawTable, *prefix: str) -> list:
    """The one row whose first cells read ``prefix``."""
    rows = [r for r in table.rows if texts(r)[: len(prefix)] == list(prefix)]
    assert len(rows) == 1, f"{prefix!r} found {len(rows)} times"
    return rows[0]


def value(row, col: int) -> str:
    (cell,) = [c for c in row if c.col == col]
    return cell.text


def tables_per_page(doc: RawDocument) -> dict[int, int]:
    return dict(Counter(t.page for t in doc.tables))


# --------------------------------------------------------------------------- 2023 万里街道


def test_2023_tables_per_page(w23):
    assert w23.pages == 35
    # budget tables on pages 10-28 (one per page, continuations included), performance forms 31-35
    assert tables_per_page(w23) == {p: 1 for p in [*range(10, 29), *range(31, 36)]}


def test_2023_summary_expense_by_class(w23):
    table = on_page(w23, 10)
    assert table.n_cols == 4
    assert table.before == [
        "2023年部门财务收支预算总表",
        "编制部门：上海市普陀区人民政府万里街道办事处 单位：元",
    ]
    expense = {value(r, 2): value(r, 3) for r in table.rows[2:] if value(r, 2)}
    assert expense == {
        "一、一般公共服务支出": "2,976,800",
        "二、公共安全支出": "1,252,300",
        "三、科学技术支出": "100,000",
        "四、文化旅游体育与传媒支出": "200,000",
        "五、社会保障和就业支出": "27,073,236",
        "六、卫生健康支出": "3,095,732",
        "七、城乡社区支出": "121,319,878",
        "八、住房保障支出": "8,960,694",
        "支出总计": "164,978,640",
    }


def test_2023_summary_header_spans_and_blank_cells(w23):
    table = on_page(w23, 10)
    header = table.rows[0]
    assert [(c.col, c.col_span, c.text) for c in header] == [(0, 2, "本年收入"), (2, 2, "本年支出")]
    assert texts(find_row(table, "2. 政府性基金")) == ["2. 政府性基金", "", "三、科学技术支出", "100,000"]
    assert texts(find_row(table, "收入总计")) == ["收入总计", "164,978,640", "支出总计", "164,978,640"]


def test_2023_income_table_split_codes_and_wrapped_name(w23):
    first = on_page(w23, 11)
    assert first.n_cols == 9
    assert texts(first.rows[2]) == ["类", "款", "项"]
    assert texts(find_row(first, "201", "", "")) == [
        "201",
        "",
        "",
        "一般公共服务支出",
        "2,976,800",
        "2,976,800",
        "",
        "",
        "",
    ]
    # 208 05 05: the name wraps onto two lines in the PDF
    page12 = on_page(w23, 12)
    row = next(r for r in page12.rows if texts(r)[:3] == ["208", "05", "05"])
    assert texts(row) == [
        "208",
        "05",
        "05",
        "机关事业单位基本养老保险缴费支出",
        "4,412,547",
        "4,412,547",
        "",
        "",
        "",
    ]
    assert page12.before == [] and page12.n_cols == 9


def test_2023_income_header_merged_cells(w23):
    header = on_page(w23, 11).rows[1]
    assert [(c.col, c.col_span, c.row_span, c.text) for c in header] == [
        (0, 3, 1, "功能分类科目编码"),
        (3, 1, 2, "功能分类科目名称"),
        (4, 1, 2, "合计"),
        (5, 1, 2, "财政拨款收入"),
        (6, 1, 2, "事业收入"),
        (7, 1, 2, "事业单位经营收入"),
        (8, 1, 2, "其他收入"),
    ]


def test_2023_expense_basic_and_project_split(w23):
    assert on_page(w23, 15).before[0] == "2023年部门支出预算总表"
    last = on_page(w23, 18)
    assert last.n_cols == 7
    total = find_row(last, "合计")
    assert [(c.col, c.col_span, c.text) for c in total] == [
        (0, 4, "合计"),
        (4, 1, "164,978,640"),
        (5, 1, "99,406,297"),
        (6, 1, "65,572,343"),
    ]
    row = next(r for r in on_page(w23, 17).rows if texts(r)[:3] == ["212", "01", ""])
    assert texts(row) == ["212", "01", "", "城乡社区管理事务", "93,436,078", "71,441,335", "21,994,743"]


def test_2023_general_budget_continuations_repeat_the_header(w23):
    pages = [on_page(w23, p) for p in (20, 21, 22, 23)]
    assert {t.n_cols for t in pages} == {7}
    assert [t.before for t in pages[1:]] == [[], [], []]
    assert texts(pages[1].rows[0]) == ["项目", "一般公共预算支出"]


def test_2023_empty_fund_tables_carry_their_note(w23):
    fund = on_page(w23, 24)
    assert fund.before[0] == "2023年部门政府性基金预算支出功能分类预算表"
    assert fund.after == ["注：本部门2023年无政府性基金预算财政拨款安排的预算，故本表为空表。"]
    assert texts(fund.rows[-1]) == ["合计", "", "", ""]
    soe = on_page(w23, 25)
    assert soe.after == ["注：本部门2023年无国有资本经营预算财政拨款安排的预算，故本表为空表。"]


def test_2023_basic_expense_economic_totals(w23):
    first = on_page(w23, 26)
    assert first.n_cols == 6
    assert texts(find_row(first, "301", "")) == ["301", "", "工资福利支出", "83,847,385", "83,847,385", ""]
    assert texts(find_row(first, "302", "")) == ["302", "", "商品和服务支出", "15,381,432", "", "15,381,432"]
    total = find_row(on_page(w23, 27), "合计")
    assert texts(total) == ["合计", "99,406,297", "84,024,865", "15,381,432"]
    assert [c.col for c in total] == [0, 3, 4, 5]


def test_2023_three_public_row_in_wan(w23):
    table = on_page(w23, 28)
    assert table.before == [
        "2023年部门“三公”经费和机关运行经费预算表",
        "编制部门：上海市普陀区人民政府万里街道办事处 单位:万元",
    ]
    assert table.n_cols == 7
    assert texts(table.rows[-1]) == ["22.91", "0", "1.35", "21.56", "0", "21.56", "786.09"]
    assert [(c.col, c.col_span, c.row_span, c.text) for c in table.rows[1]] == [
        (0, 1, 2, "合计"),
        (1, 1, 2, "因公出国(境)费"),
        (2, 1, 2, "公务接待费"),
        (3, 3, 1, "公务用车购置及运行费"),
    ]
    assert table.after == []


def test_2023_title_page_and_paragraphs(w23):
    texts_ = [p.text for p in w23.paragraphs]
    assert texts_[:2] == [
        "上海市普陀区2023年区级部门预算",
        "预算主管部门：上海市普陀区人民政府万里街道办事处",
    ]
    assert all(p.page == 1 for p in w23.paragraphs[:2])
    # a sentence broken across two printed lines is one paragraph
    opening = next(t for t in texts_ if t.startswith("2023年，上海市普陀区人民政府万里街道办事处收入预算"))
    assert "比2022年（上一年度，下同）预算增加1421.25万元；事业收入0万元" in opening
    item = next(t for t in texts_ if t.startswith("15. “社会保障和就业支出（类）"))
    assert item.endswith(
        "比2022年预算执行数增加60.54%。主要原因是：机关事业单位基本养老保险缴费支出经费增加。"
    )
    # publisher defect kept as printed: a change stated for a fund whose budget is 0
    spending = next(t for t in texts_ if t.startswith("支出预算16497.86万元"))
    assert "政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元" in spending
    heading = next(p for p in w23.paragraphs if p.text == "三、政府采购情况")
    assert heading.is_heading and heading.page == 29
    after = w23.paragraphs[heading.index + 1]
    assert after.heading == "三、政府采购情况"
    assert after.text.startswith("2023年本部门政府采购预算830.00万元") and after.text.endswith(
        "政府采购服务预算270.00万元。"
    )


def test_2023_no_table_text_in_paragraphs(w23):
    assert not any("164,978,640" in p.text for p in w23.paragraphs)


# --------------------------------------------------------------------------- 2024 万里街道


def test_2024_tables_per_page(w24):
    assert w24.pages == 33
    # the table of contents on page 2 sits in white boxes: not a table
    assert tables_per_page(w24) == {p: 1 for p in range(10, 32)}


def test_2024_summary_expense_by_class(w24):
    table = on_page(w24, 10)
    expense = {value(r, 2): value(r, 3) for r in table.rows[2:] if value(r, 2)}
    assert expense == {
        "一、一般公共服务支出": "2,932,700",
        "二、公共安全支出": "1,633,000",
        "三、教育支出": "250,000",
        "四、科学技术支出": "100,000",
        "五、文化旅游体育与传媒支出": "200,000",
        "六、社会保障和就业支出": "19,604,064",
        "七、卫生健康支出": "3,223,657",
        "八、城乡社区支出": "119,385,303",
        "九、住房保障支出": "8,882,399",
        "支出总计": "156,211,123",
    }


def test_2024_headerless_total_row_aligns_with_its_table(w24):
    # page 15 holds only the 合计 row of the 收入总表 begun on page 11, drawn with fewer column rules
    previous, lone = on_page(w24, 14), on_page(w24, 15)
    assert lone.before == []
    assert lone.n_cols == previous.n_cols == 9
    (row,) = lone.rows
    assert [(c.col, c.col_span, c.text) for c in row] == [
        (0, 4, "合计"),
        (4, 1, "156,211,123"),
        (5, 1, "156,211,123"),
        (6, 1, "0"),
        (7, 1, "0"),
        (8, 1, "0"),
    ]


def test_2024_expense_basic_and_project_split(w24):
    lone = on_page(w24, 20)
    assert lone.n_cols == on_page(w24, 19).n_cols == 7
    (row,) = lone.rows
    assert [(c.col, c.text) for c in row] == [
        (0, "合计"),
        (4, "156,211,123"),
        (5, "99,706,020"),
        (6, "56,505,103"),
    ]


def test_2024_basic_expense_economic_totals(w24):
    table = on_page(w24, 30)
    assert texts(find_row(table, "合计")) == ["合计", "99,706,020", "88,537,451", "11,168,569"]
    assert texts(find_row(table, "303", "")) == ["303", "", "对个人和家庭的补助", "254,940", "254,940", "0"]


def test_2024_three_public_prints_figures_and_an_empty_table_note(w24):
    table = on_page(w24, 31)
    assert table.before == [
        "部门“三公”经费和机关运行经费预算表",
        "编制部门：上海市普陀区人民政府万里街道办事处 单位:万元",
    ]
    assert texts(table.rows[-1]) == ["47.91", "0", "1.35", "46.56", "25", "21.56", "443.18"]
    # publisher defect kept as printed
    assert table.after == ["注:本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。"]


def test_2024_toc_kept_as_paragraphs(w24):
    toc = [p for p in w24.paragraphs if p.page == 2]
    assert toc[0].text == "目 录"
    assert len(toc) == 17
    assert toc[14].text.startswith("9.部门“三公”经费和机关运行经费预算表")
    assert not any(p.is_heading for p in toc[1:])


# --------------------------------------------------------------------------- 2026 司法局


def test_2026_tables_per_page(s26):
    assert s26.pages == 23
    assert tables_per_page(s26) == {p: 1 for p in range(10, 22)}
    assert not [p for p in s26.paragraphs if p.page == 3]  # a blank page


def test_2026_summary_with_decimals(s26):
    table = on_page(s26, 10)
    assert table.before == ["2026年部门财务收支预算总表", "编制部门：上海市普陀区司法局 单位：元"]
    assert texts(find_row(table, "一、财政拨款收入")) == [
        "一、财政拨款收入",
        "96,282,213.44",
        "一、公共安全支出",
        "87,267,272.44",
    ]
    assert texts(find_row(table, "2. 政府性基金预算")) == [
        "2. 政府性基金预算",
        "0.00",
        "三、卫生健康支出",
        "1,149,678.00",
    ]
    assert texts(find_row(table, "二、事业收入")) == ["二、事业收入", "0.00", "", ""]


def test_2026_income_codes_without_separators(s26):
    table = on_page(s26, 11)
    assert table.n_cols == 9
    row = next(r for r in table.rows if texts(r)[:3] == ["204", "06", "99"])
    assert texts(row) == [
        "204",
        "06",
        "99",
        "其他司法支出",
        "38454900.00",
        "38454900.00",
        "0.00",
        "0.00",
        "0.00",
    ]
    total = find_row(table, "合计")
    assert [(c.col, c.col_span) for c in total][:2] == [(0, 4), (4, 1)]
    assert value(total, 4) == "96282213.44"


def test_2026_expense_basic_and_project_split(s26):
    total = find_row(on_page(s26, 13), "合计")
    assert texts(total) == ["合计", "96282213.44", "25741666.44", "70540547.00"]


def test_2026_empty_fund_table_has_a_wu_row_and_note(s26):
    table = on_page(s26, 17)
    assert texts(table.rows[3]) == ["无", "", "", "", "", "", ""]
    assert table.after == ["注:本部门2026年无政府性基金预算财政拨款安排的预算，故本表为空表。"]


def test_2026_basic_expense_and_three_public(s26):
    total = find_row(on_page(s26, 20), "合计")
    assert texts(total) == ["合计", "25741666.44", "23563342.00", "2178324.44"]
    table = on_page(s26, 21)
    assert table.before[1] == "编制部门：上海市普陀区司法局 单位:万元"
    assert texts(table.rows[0]) == ["“三公”经费预算数", "机关运行经费预算数"]
    assert texts(table.rows[-1]) == ["10.81", "0", "0.83", "9.98", "0", "9.98", "217.83"]


def test_2026_metadata_and_narrative_defect(s26):
    assert [p.text for p in s26.paragraphs[:2]] == [
        "上海市普陀区2026年区级部门预算",
        "预算主管部门：上海市普陀区司法局",
    ]
    opening = next(p.text for p in s26.paragraphs if p.text.startswith("2026年，上海市普陀区司法局收入预算"))
    # publisher defect kept as printed: 2026 where 2025 is meant
    assert "财政拨款收入9628.22万元，比2026年预算增加793.14万元" in opening
