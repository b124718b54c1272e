"""The share of printed amounts that become facts, on the real 决算 filings (issue #12).

A printed amount is a non-blank cell of a recognised table's body that reads as a number (``1,234.56``,
``0``, ``-``) outside the code and row-number columns; it became a fact when some row of the
``budget_lines``, ``budget_summary`` or ``three_public`` frames points at its cell
(source_table, source_row, source_col).  Prints one line per filing and the total:

    .venv/bin/python bench/final_accounts_coverage.py [PDF ...]

Run it with another checkout's code (``PYTHONPATH=/path/to/checkout``) to compare before and after.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pipelines.lib.normalize import normalize
from pipelines.lib.numbers import clean
from pipelines.lib.stages import read_filing

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real_samples"
FINALS = [
    REAL / "上海市" / "普陀区" / "shanghai_putuo_czj_2024_dept_final.pdf",
    REAL / "中央" / "教育部" / "chongqing_xinandaxue_2023_final.pdf",
    REAL / "广东省" / "佛山市" / "guangdong_foshan_guidaojiaotongju_2019_final.pdf",
]
NUMBER = re.compile(r"^-?[\d,]*\.?\d+$|^-$")
NOT_AMOUNT = re.compile(r"编码|代码|序号|行次|栏次|^类$|/类$|/款$|/项$|^款$|^项$|科目编码")


def printed_amounts(filing) -> set[tuple[int, int, int]]:
    cells = set()
    for table in filing.tables:
        if table.kind == "performance_target":
            continue
        skip = {i for i, h in enumerate(table.header) if NOT_AMOUNT.search(clean(h))}
        if any(re.search(r"分数|得分|评分", clean(h)) for h in table.header):
            continue  # scores of a 绩效自评 table are not amounts
        for row in table.body:
            for cell in row:
                if cell.col in skip:
                    continue
                text = clean(cell.text)
                if text and NUMBER.match(text) and not (len(text) in (3, 5, 7) and text.isdigit() and cell.col < 3):
                    cells.add((cell.table, cell.row, cell.col))
    return cells


def facts(filing) -> set[tuple[int, int, int]]:
    norm = normalize(filing, "0" * 64)
    out = set()
    for group in (norm.lines, norm.summary, norm.three_public):
        for x in group:
            out.add((x.loc.table, x.loc.row, x.loc.col))
    return out


def main(paths: list[Path]) -> None:
    total_printed = total_facts = 0
    for path in paths:
        filing = read_filing(path.read_bytes(), path.name)
        printed = printed_amounts(filing)
        got = facts(filing) & printed
        total_printed += len(printed)
        total_facts += len(got)
        share = len(got) / len(printed) if printed else 1.0
        print(f"{path.name}: {len(got)} of {len(printed)} printed amounts are facts ({share:.1%}); "
              f"doc_type {filing.doc_type}, scope {getattr(filing, 'scope', '?')}")
    if total_printed:
        print(f"all: {total_facts} of {total_printed} ({total_facts / total_printed:.1%})")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or FINALS)
