"""Hand-typed filings for the warehouse tests.

Figures come from the reference filing (中国共产党魏县委员会办公室, 魏县, 2023, 万元) in
../shared/seed/000_90c74acd61f76a6e.txt, or are typed here by hand for other years.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import polars as pl

from pipelines.lib.frames import FRAMES


def doc_id(label: str) -> str:
    """A document_id as the ingester makes it: sha256 of the file's bytes (here a label's)."""
    return hashlib.sha256(label.encode("utf-8")).hexdigest()


def frame(name: str, rows: list[dict]) -> pl.DataFrame:
    """A frame of ``frames.FRAMES[name]``: given columns typed, the others null."""
    schema = FRAMES[name]
    filled = [{col: row.get(col) for col in schema if col != "document_id"} for row in rows]
    return pl.DataFrame(filled, schema={c: t for c, t in schema.items() if c != "document_id"}, orient="row")


def wan(text: str) -> Decimal:
    return Decimal(text)


def yuan_of(wan_text: str) -> Decimal:
    # 万元 -> 元 by moving the decimal point: the test's own arithmetic, exact.
    return Decimal(wan_text).scaleb(4).quantize(Decimal("0.01"))


def lines(
    table_kind: str, classification: str, measure: str, items: list[tuple[str, str, str]]
) -> list[dict]:
    """Budget lines (code, name, amount in 万元 as printed) of one table and measure."""
    out = []
    for row, (code, name, amount) in enumerate(items, start=1):
        level = {3: 1, 5: 2, 7: 3}[len(code)]
        out.append(
            {
                "table_kind": table_kind,
                "classification": classification,
                "subject_code": code,
                "subject_name": name,
                "subject_level": level,
                "parent_code": None if level == 1 else code[: len(code) - 2],
                "measure": measure,
                "amount_wan": wan(amount),
                "amount_yuan": yuan_of(amount),
                "amount_text": amount,
                "source_table": 4,
                "source_row": row,
                "source_col": 3,
            }
        )
    return out


def weixian_2023_frames(**overrides: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The reference filing, a few lines of each table typed from the seed."""
    frames = {
        "budget_lines": frame(
            "budget_lines",
            lines(
                "expenditure",
                "function",
                "total",
                [
                    ("201", "一般公共服务支出", "1974.41"),
                    ("20129", "群众团体事务", "291.31"),
                    ("2012901", "行政运行", "291.31"),
                    ("208", "社会保障和就业支出", "49.89"),
                    ("210", "卫生健康支出", "17.12"),
                ],
            )
            + lines(
                "basic_expenditure",
                "economic",
                "total",
                [
                    ("301", "工资福利支出", "308.39"),
                    ("302", "商品和服务支出", "46.76"),
                    ("303", "对个人和家庭的补助", "3.17"),
                ],
            ),
        ),
        "budget_summary": frame(
            "budget_summary",
            [
                {
                    "table_kind": "summary",
                    "side": "income",
                    "item": "general_public_budget",
                    "item_name": "一、一般公共预算拨款收入",
                    "measure": "amount",
                    "amount_wan": wan("2041.42"),
                    "amount_yuan": yuan_of("2041.42"),
                },
                {
                    "table_kind": "summary",
                    "side": "expense",
                    "item": "function_class",
                    "item_name": "一、一般公共服务支出",
                    "subject_code": "201",
                    "measure": "amount",
                    "amount_wan": wan("1974.41"),
                    "amount_yuan": yuan_of("1974.41"),
                },
                {
                    "table_kind": "summary",
                    "side": "expense",
                    "item": "current_year_total",
                    "item_name": "本年支出合计",
                    "measure": "amount",
                    "amount_wan": wan("2041.42"),
                    "amount_yuan": yuan_of("2041.42"),
                },
            ],
        ),
        "three_public": frame(
            "three_public",
            [
                {
                    "category": "total",
                    "category_label": "合计",
                    "fund_source": "total",
                    "amount_wan": wan("54.50"),
                    "amount_yuan": yuan_of("54.50"),
                },
                {
                    "category": "subtotal",
                    "category_label": "“三公”经费小计",
                    "fund_source": "total",
                    "amount_wan": wan("54.50"),
                    "amount_yuan": yuan_of("54.50"),
                },
                {
                    "category": "reception",
                    "category_label": "三、公务接待费",
                    "fund_source": "total",
                    "amount_wan": wan("54.50"),
                    "amount_yuan": yuan_of("54.50"),
                },
                {
                    "category": "total",
                    "category_label": "合计",
                    "fund_source": "general_public",
                    "amount_wan": wan("54.50"),
                    "amount_yuan": yuan_of("54.50"),
                },
            ],
        ),
        "projects": frame(
            "projects",
            [
                {
                    "project_seq": 1,
                    "project_name": "2022年县委重要文稿资料汇编经费",
                    "cost_wan": wan("5"),
                    "cost_text": "5万元",
                    "source_table": 9,
                }
            ],
        ),
        "performance_indicators": frame(
            "performance_indicators",
            [
                {
                    "project_seq": 1,
                    "project_name": "2022年县委重要文稿资料汇编经费",
                    "objective": "将重要文稿辑印成册，便于存档资政，参考学习",
                    "indicator_level1": "产出指标",
                    "indicator_level2": "成本指标",
                    "indicator_level3": "辑印存档费用",
                    "description": "辑印存档费用",
                    "target_value": "5万元",
                    "basis": "实际辑印成册及整理存档费用测算",
                    "classified": False,
                    "source_table": 9,
                    "source_row": 5,
                }
            ],
        ),
        "narrative_figures": frame(
            "narrative_figures",
            [
                {
                    "figure": "income_total",
                    "stated_wan": wan("2041.41"),
                    "sentence": "2023年收入预算共计2041.41万元，全部为财政拨款收入。",
                }
            ],
        ),
        "findings": frame(
            "findings",
            [
                {
                    "severity": "warning",
                    "check": "narrative_matches_tables",
                    "table_kind": "summary",
                    "location": "二、部门预算安排的总体情况",
                    "expected": "2041.42",
                    "actual": "2041.41",
                    "message": "说明中的收入预算2041.41万元与收支总表2041.42万元相差0.01万元",
                }
            ],
        ),
    }
    frames.update(overrides)
    return frames


def weixian_doc(label: str = "weixian-2023-v1", **fields) -> dict:
    """core.documents fields of the reference filing."""
    return {
        "document_id": doc_id(label),
        "file_name": "中共魏县县委办公室2023年部门预算.docx",
        "source_path": "河北省/邯郸市/魏县/中共魏县县委办公室2023年部门预算.docx",
        "region": "河北省/邯郸市/魏县",
        "county": "魏县",
        "department_code": "201",
        "department_name": "中国共产党魏县委员会办公室",
        "year": 2023,
        "doc_type": "budget",
        "unit": "万元",
        "file_type": "docx",
        **fields,
    }


def count(con, relation: str, where: str = "true", params: list | None = None) -> int:
    return con.execute(f"select count(*) from {relation} where {where}", params or []).fetchall()[0][0]


def scaled(frame_: pl.DataFrame, factor: str, basis: str) -> pl.DataFrame:
    """The frame's amounts × factor (exact, to the cent), every row with the given basis."""
    f = Decimal(factor)
    wans = [(a * f).quantize(Decimal("0.01")) if a is not None else None for a in frame_["amount_wan"]]
    return frame_.with_columns(
        amount_wan=pl.Series(wans, dtype=pl.Decimal(18, 6)),
        amount_yuan=pl.Series([w.scaleb(4) if w is not None else None for w in wans], dtype=pl.Decimal(18, 2)),
        basis=pl.lit(basis),
    )


def weixian_2023_final_frames() -> dict[str, pl.DataFrame]:
    """A 决算 of the reference department: every budget figure spent at 90 %; its 三公 table prints
    预算数 (the budget's figures) beside 决算数."""
    budget = weixian_2023_frames()
    three = budget["three_public"]
    return {
        **budget,
        "budget_lines": scaled(budget["budget_lines"], "0.9", "final"),
        "budget_summary": scaled(budget["budget_summary"], "0.9", "final"),
        "three_public": pl.concat([three.with_columns(basis=pl.lit("budget")), scaled(three, "0.9", "final")]),
    }
