"""Write generated filings to disk, ingest them all with ``yusuan ingest``'s own function into one real DuckDB
warehouse, and read back what a variant's table became."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines.lib.ingest import ingest
from tests.variants.filings import Style, Table, docx

STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def dept(family: str, i: int) -> str:
    """A department of its own for each filing (two filings of one department and year would supersede)."""
    return f"魏县{family}{STEMS[i]}测试局"


@dataclass
class Warehouse:
    con: duckdb.DuckDBPyConnection
    docs: dict[str, tuple]  # file name → (document_id, status, department_name, year, doc_type, scope, unit)
    paths: dict[str, Path] = field(default_factory=dict)  # file name → the file ingested

    def doc(self, file: str) -> tuple:
        return self.docs[file]

    def _id(self, file: str) -> str:
        return self.docs[file][0]

    def rows(self, sql: str, file: str, table: int) -> list[tuple]:
        return self.con.execute(sql, [self._id(file), table]).fetchall()

    def kind(self, file: str, table: int) -> tuple[str, str]:
        """(table_kind, title) of the filing's ``table``-th table, as quality.coverage records it."""
        [row] = self.rows("select table_kind, title from quality.coverage where document_id = ? and source_table = ?",
                          file, table)
        return row

    def parts(self, file: str) -> list[tuple[str, list[int]]]:
        """The filing's tables in order, each its kind and its physical tables: a table run over a page break is its
        first part (with the coverage row) and the parts after it."""
        kinds = dict(self.con.execute("select source_table, table_kind from quality.coverage where document_id = ? "
                                      "and source_table is not null", [self._id(file)]).fetchall())
        # (the last table's parts after its first hold cells, and no coverage row)
        [(n,)] = self.con.execute("select max(source_table) from raw.table_cells where document_id = ?",
                                  [self._id(file)]).fetchall()
        out: list[tuple[str, list[int]]] = []
        for t in range(max(max(kinds), n if n is not None else -1) + 1):
            if t in kinds:
                out.append((kinds[t], [t]))
            elif out:
                out[-1][1].append(t)
        return out

    def coverage(self, file: str, table: int) -> tuple[int, int]:
        [row] = self.rows("select printed, read from quality.coverage where document_id = ? and source_table = ?",
                          file, table)
        return row

    def gaps(self, file: str, table: int) -> list[tuple]:
        return self.rows("select row_label, \"column\", text, reason from quality.coverage_gaps "
                         "where document_id = ? and source_table = ?", file, table)

    def lines(self, file: str, table: int, basis: str | None = "budget") -> set[tuple[str, str, Decimal]]:
        """(subject_code, measure, amount_wan) of a table's budget lines of ``basis`` (None: any)."""
        rows = self.rows("select subject_code, measure, amount_wan, basis from staging.budget_lines "
                         "where document_id = ? and source_table = ?", file, table)
        return {(c, m, a) for c, m, a, b in rows if basis is None or b == basis}

    def line_detail(self, file: str, table: int) -> list[tuple]:
        return self.rows("select table_kind, classification, subject_code, measure, basis, amount_yuan, amount_wan "
                         "from staging.budget_lines where document_id = ? and source_table = ?", file, table)

    def summary(self, file: str, table: int) -> set[tuple]:
        rows = self.rows("select side, item, subject_code, amount_wan from staging.budget_summary "
                         "where document_id = ? and source_table = ? and measure in ('amount', 'total')", file, table)
        return {(s, i, c, a) for s, i, c, a in rows}

    def three_public(self, file: str, table: int) -> set[tuple]:
        rows = self.rows("select category, basis, amount_wan from staging.three_public "
                         "where document_id = ? and source_table = ? and fund_source = 'total'", file, table)
        return {(c, b, a) for c, b, a in rows}

    def findings(self, file: str) -> list[tuple]:
        return self.con.execute("select severity, \"check\", table_kind, location, message from quality.findings "
                                "where document_id = ?", [self._id(file)]).fetchall()

    def check_status(self, file: str, check: str, kind: str) -> tuple:
        return self.con.execute("select status, reason from quality.check_results where document_id = ? "
                                "and \"check\" = ? and table_kind = ?", [self._id(file), check, kind]).fetchone()


def build(tmp: Path, filings: dict[str, list[tuple[Table, Style]]]) -> Warehouse:
    """Write each filing as ``<name>.docx`` under ``tmp``, ingest them all into ``tmp/w.duckdb``, open it."""
    paths = []
    for name, tables in filings.items():
        path = tmp / "filings" / f"{name}.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(docx(tables))
        paths.append(path)
    return ingested(paths, tmp / "w.duckdb")


def ingested(paths: list[Path], db: Path, echo=lambda _: None) -> Warehouse:
    """Ingest ``paths`` into ``db`` with the CLI's own ``ingest()``, every one accounted for, and open it; each
    filing is known by its file name without the suffix."""
    summary = ingest(paths, db, county="魏县", echo=echo, jobs=1)
    assert summary.files == len(paths)
    con = duckdb.connect(str(db), read_only=True)
    docs = {Path(r[0]).stem: r[1:] for r in con.execute(
        "select file_name, document_id, status, department_name, year, doc_type, scope, unit from core.documents")
        .fetchall()}
    return Warehouse(con, docs, {p.stem: p for p in paths})


def amounts(pairs) -> set:
    """Normalise the Decimals of typed expectations the way :meth:`Warehouse.lines` does (150.50 == 150.5)."""
    return {(*x[:-1], Decimal(x[-1]).normalize() + 0) for x in pairs}
