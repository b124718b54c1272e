"""Where the real published filings live: ../shared/real_samples beside the repository."""

from __future__ import annotations

from pathlib import Path

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real_samples"
REAL_PDFS = {
    2023: REAL / "tianbaoxitong" / "shpt_wanli_jiedao_2023_dept_budget.pdf",
    2024: REAL / "tianbaoxitong" / "shpt_wanli_jiedao_2024_dept_budget.pdf",
    2026: REAL / "GovBudgetChecker" / "shpt_sifaju_2026_dept_budget.pdf",
}
