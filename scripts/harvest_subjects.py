"""Rebuild ``pipelines/lib/data/subjects.csv``: the subject list (政府收支分类科目, 类/款/项) yusuan ships to give
codes to tables that print subject names only (杭州: ``　　行政运行`` under ``　司法`` under ``公共安全支出``).

Where each row comes from is in its ``provenance`` and ``source`` columns:

- ``filing``: a (code, name) pair printed side by side in a filing that DOES print codes — every real filing of
  ``../shared/real_samples``, the sample ``.docx`` of ``data/samples`` and the reference rendering of
  ``../shared/seed``.  ``source`` is the file (relative to its folder), ``year`` the filing's year.  They are read
  with yusuan's own reader (the lines it stores with a code), so a pair is what the filing prints, not what we
  remember.
- ``classification``: entered by hand from the published 政府收支分类科目 (function) / 部门预算支出经济分类科目
  (economic) where no filing here prints the pair; kept from the existing CSV as they are (this script never
  writes them, it only drops one a filing now prints).

Run it after adding real filings: ``.venv/bin/python scripts/harvest_subjects.py`` (a minute).  It prints the
counts by provenance and every conflict (one (parent, name) printed with two codes) — a conflicting name is
kept in the CSV but the lookup refuses it (``subject_lookup``).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.lib.subject_lookup import CSV_COLUMNS, normalized_name  # noqa: E402

OUT = ROOT / "pipelines" / "lib" / "data" / "subjects.csv"
SHARED = ROOT.parent / "shared"
CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")


def _classification(code: str) -> str:
    """By the code itself, not by the table it was printed in (西安's cross-classified tables print function codes
    in an economic table's rows): 2xx is 功能分类, 3xx (部门经济) and 5xx (政府经济) 经济分类."""
    return "function" if code.startswith("2") else "economic"


def _keep(found: dict, key: tuple[str, str, str], source: str, year: int | None) -> None:
    """The pair's latest printing wins its source (a code renumbered between years keeps the year it was printed)."""
    if key not in found or (year or 0) > (found[key][1] or 0):
        found[key] = (source, year)


def _from_filings() -> dict[tuple[str, str, str], tuple[str, int | None]]:
    """(classification, code, name) → (first source, year) of every coded line yusuan reads in the samples."""
    from pipelines.lib.normalize import normalize
    from pipelines.lib.stages import read_filing

    found: dict[tuple[str, str, str], tuple[str, int | None]] = {}
    folders = [(SHARED / "real_samples", "real_samples"), (ROOT / "data" / "samples", "data/samples")]
    for folder, label in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".pdf", ".docx")):
            try:
                filing = read_filing(path.read_bytes(), path.name)
            except Exception as err:  # a rejected file prints no pairs we could trust
                print(f"skipped {path}: {err}", file=sys.stderr)
                continue
            out = normalize(filing, "harvest")
            # a names-only table's codes were looked up in this very list: they are not printed pairs
            looked_up = {p.location for p in out.problems if "took their code from yusuan's subject list" in p.message}
            for line in out.lines:
                if f"table {line.logical}" in looked_up:
                    continue
                code, name = line.subject_code, normalized_name(line.subject_name or "")
                if not code or not CODE.match(code) or not name or re.search(r"\d", name):
                    continue
                _keep(found, (_classification(code), code, name), f"{label}/{path.relative_to(folder)}", filing.year)
    seed = SHARED / "seed"
    for path in sorted(seed.glob("*.txt")):  # the reference rendering: a row's cells are tab lines, rows blank-separated
        rows, row = [], []
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.startswith("\t"):
                row.append(raw[1:].strip())
            elif row:
                rows.append(row)
                row = []
        year = next((int(m.group(1)) for r in rows for c in r if (m := re.match(r"预算年度：(\d{4})", c))), None)
        for r in rows:
            for i, cell in enumerate(r[:-1]):
                name = normalized_name(r[i + 1])
                if CODE.match(cell) and name and not re.search(r"\d", name):
                    _keep(found, (_classification(cell), cell, name), f"seed/{path.name}", year)
    return found


def main() -> int:
    kept = []
    if OUT.exists():
        with OUT.open(encoding="utf-8", newline="") as f:
            kept = [r for r in csv.DictReader(f) if r["provenance"] == "classification"]
    harvested = _from_filings()
    rows = [
        {"classification": c, "code": code, "name": name, "parent": code[:-2] if len(code) > 3 else "",
         "level": {3: 1, 5: 2, 7: 3}[len(code)], "provenance": "filing", "source": src, "year": year or ""}
        for (c, code, name), (src, year) in harvested.items()
    ]
    printed = {(r["classification"], r["code"], r["name"]) for r in rows}
    rows += [r for r in kept if (r["classification"], r["code"], normalized_name(r["name"])) not in printed]
    rows.sort(key=lambda r: (r["classification"], r["code"], r["provenance"] != "filing", r["name"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["provenance"]] += 1
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} rows — " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    by_key: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in rows:
        by_key[(r["classification"], r["parent"], normalized_name(r["name"]))].add(r["code"])
    for (c, parent, name), codes in sorted(by_key.items()):
        if len(codes) > 1:
            print(f"conflict: {c} {parent or '-'} {name}: {sorted(codes)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
