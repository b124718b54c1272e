"""The layout data (title rules, header-word tables, spelling tables of layouts.py, normalize_rules.py, doctype.py)
names only codes vocab.py declares: a row with a misspelt measure or item fails here, at commit, instead of as
pandera dropping every line it produced from a filing nobody has yet."""

from __future__ import annotations

import pytest

from pipelines.lib import classify_text, doctype, layouts, normalize_rules
from pipelines.lib import vocab as V


def _codes(rows) -> set[str]:
    """The codes a table of (pattern, code) rows, or a dict of such tables, maps to."""
    if isinstance(rows, dict):
        return set().union(*(_codes(v) for v in rows.values()))
    return {row[1] if isinstance(row, tuple) else row for row in rows}


LINE_MEASURE_TABLES = [
    normalize_rules.MEASURES, normalize_rules.FINAL_MEASURES, normalize_rules.SINGLE_AMOUNT,
    normalize_rules.FISCAL_EXPENSE_MEASURES, layouts.EXTRA_MEASURES, layouts.PART_MEASURES,
    layouts.COMPARISON_MEASURES, layouts.PATH_FIRST_MEASURES, layouts.INCOME_FUND_MEASURES,
    layouts.INCOME_EXTRA_MEASURES, layouts.OF_WHICH_MEASURES,
]


@pytest.mark.parametrize("table", range(len(LINE_MEASURE_TABLES)))
def test_header_word_tables_map_to_declared_measures(table):
    assert _codes(LINE_MEASURE_TABLES[table]) - set(V.codes(V.LineMeasure)) == set()


def test_summary_tables_map_to_declared_items_and_measures():
    items = set(V.codes(V.SummaryItem))
    for rows in (normalize_rules.SUMMARY_INCOME_ITEMS, normalize_rules.SUMMARY_EXPENSE_ITEMS,
                 normalize_rules.FINAL_SUMMARY_INCOME_ITEMS, normalize_rules.FINAL_SUMMARY_EXPENSE_ITEMS,
                 layouts.SUMMARY_USE_ITEMS):
        assert _codes(rows) - items == set()
    assert _codes(layouts.SUMMARY_EXPENSE_MEASURES) - set(V.codes(V.SummaryMeasure)) == set()


def test_three_public_basis_and_document_spellings_map_to_declared_codes():
    assert _codes(normalize_rules.THREE_PUBLIC_CATEGORIES) - set(V.codes(V.Category)) == set()
    assert _codes(normalize_rules.FUND_SOURCES) | _codes(layouts.THREE_PUBLIC_FUND_LEAF) <= set(V.codes(V.FundSource))
    assert _codes(normalize_rules.BASIS_SPELLINGS) <= set(V.codes(V.Basis))
    assert _codes(doctype.SCOPE_SPELLINGS) | _codes(doctype.TITLE_SCOPE_SPELLINGS) <= set(V.codes(V.Scope))
    assert _codes(doctype.DOC_TYPE_SPELLINGS) <= set(V.codes(V.DocType))


def test_table_kinds_in_the_layout_data_are_declared():
    kinds = set(classify_text.KINDS)
    assert {kind for kind, _ in classify_text._TITLE_RULES} <= kinds
    assert set(layouts.TITLE_DECIDES) | set(layouts.TITLE_OVER_HEADER) <= kinds
    assert set().union(*layouts.TITLE_OVER_HEADER.values()) <= kinds
    assert set(normalize_rules.MEASURES) | set(layouts.EXTRA_MEASURES) | set(layouts.PART_MEASURES) <= kinds
    # the subject tables and the classification each is coded in
    assert set(normalize_rules.SUBJECT_KINDS) == set(V.SUBJECT_KINDS)
    assert set(normalize_rules.SUBJECT_KINDS.values()) == set(V.codes(V.Classification))


def test_a_member_is_its_code_and_carries_its_term():
    assert V.Basis.budget == "budget" and V.Basis.budget.term == "预算数"
    assert V.Unit("万元").term == "万元"
    assert V.SubjectLevel(2).term == "款"
    assert V.codes(V.CheckStatus) == ["passed", "failed", "not_run"]
    # the groups are plain strings, so they print and bind like the data they are compared with
    assert all(type(kind) is str for kind in (*V.BUDGET_KINDS, *V.LINE_KINDS, *V.COUNTED_KINDS))
    assert V.COUNTED_KINDS == (*V.BUDGET_KINDS, "office_operation")
