"""Where the real published filings live: ../shared/real_samples beside the repository."""

from __future__ import annotations

from pathlib import Path

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real_samples"
REAL_PDFS = {
    2023: REAL / "tianbaoxitong" / "shpt_wanli_jiedao_2023_dept_budget.pdf",
    2024: REAL / "tianbaoxitong" / "shpt_wanli_jiedao_2024_dept_budget.pdf",
    2026: REAL / "GovBudgetChecker" / "shpt_sifaju_2026_dept_budget.pdf",
}

_PROCESSED: dict[Path, object] = {}


def processed_real(path: Path):
    """``stages.process`` of one real filing, once per test process: several test files read the same PDFs."""
    if path not in _PROCESSED:
        from pipelines.lib.stages import (
            process,  # here, not at the top: the suite's conftest imports this module
        )

        _PROCESSED[path] = process(path, root=REAL)
    return _PROCESSED[path]


def rows(item, frame: str, **where) -> list[dict]:
    """The rows of one of a processed filing's frames whose columns equal ``where``."""
    return [r for r in item.frames[frame].iter_rows(named=True) if all(r[k] == v for k, v in where.items())]
