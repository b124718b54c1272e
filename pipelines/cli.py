"""The ``yusuan`` command line: ingest, check, export (see ../shared/CONTRACT.md)."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from pipelines.lib import settings

DEFAULT_DB = settings.DB.default


def _db(args) -> Path:
    return Path(args.db) if args.db else settings.load().db


def _db_option(db: Path) -> str:
    """`` --db PATH`` for a command to paste next, or nothing when PATH is where that command looks anyway."""
    import shlex

    try:
        same = db.resolve() == settings.load().db.resolve()
    except (OSError, ValueError):
        same = False
    return "" if same else f" --db {shlex.quote(str(db))}"


def prog() -> str:
    """How to run yusuan again, as the user just did: ``yusuan`` when that is what the shell finds, else the path
    they typed (``.venv/bin/yusuan``, as the README has it: a suggestion saying ``yusuan`` would not be found)."""
    import shlex
    import shutil

    typed = sys.argv[0] if sys.argv else ""
    if Path(typed).name != "yusuan":  # python -m, a test calling main([...])
        return "yusuan"
    found = shutil.which("yusuan")
    if found and Path(found).resolve() == Path(typed).resolve():
        return "yusuan"
    return shlex.quote(typed)


def next_steps(db: Path) -> str:
    """The line after an ingest: where the warehouse is and the commands that read it, pasteable as printed."""
    opt, y = _db_option(db), prog()
    return (f"warehouse: {db} — next: {y} summary{opt} · {y} sql{opt} \"from marts.budget_lines limit 10\" "
            f"· {y} report{opt}")


def cmd_ingest(args) -> int:
    from pipelines.lib import workers
    from pipelines.lib.discovery import discover

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"yusuan ingest: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.wait < 0:
        print("yusuan ingest: --wait takes a number of seconds, 0 or more", file=sys.stderr)
        return 2
    if args.jobs is not None and args.jobs < 1:
        print("yusuan ingest: --jobs takes a number of processes, 1 or more", file=sys.stderr)
        return 2
    # the workers start importing the stages now, beside this process's own imports, and reading their first
    # filings as soon as they have (workers.warm_up)
    files = discover([Path(p) for p in args.paths])
    workers.warm_up(len(files), args.jobs or workers.auto_jobs(len(files)), files=files, county=args.county)
    try:
        return _ingest(args, files)
    finally:
        workers.cool_down()


def _ingest(args, files: list[tuple[Path, Path]]) -> int:
    # No pyarrow here: the loader hands frames to DuckDB through the Arrow C stream (db.register_frame), and pandera,
    # imported only if a frame may fail, tells pyarrow there is no pandas itself (processing._pandera).
    from pipelines.lib.ingest import ModelsFailed, ingest
    from pipelines.lib.loading import WarehouseFault
    from pipelines.lib.warehouse import WarehouseInUse

    try:
        summary = ingest([Path(p) for p in args.paths], _db(args), county=args.county, wait=args.wait,
                         jobs=args.jobs, full_refresh=args.full_refresh, files=files)
    except WarehouseInUse as err:
        waited = f" (waited {args.wait:g} s)" if args.wait else "; or pass --wait SECONDS to wait for it"
        print(f"yusuan ingest: {err}{waited}. If that is a DuckDB client (duckdb shell, DBeaver, a notebook) "
              "keeping the file open, close it there. Nothing was written.", file=sys.stderr)
        return 2
    except (ModelsFailed, WarehouseFault) as err:
        print(f"yusuan ingest: {err}", file=sys.stderr)
        return 2
    for line in summary.lines():
        print(line)
    print(next_steps(_db(args)))
    return 1 if summary.rejected else 0


def cmd_check(args) -> int:
    from pipelines.lib import check_view as view
    from pipelines.lib.stages import NOT_FACTS, printable_path, process

    path = Path(args.file)
    if not path.is_file():
        from pipelines.lib.stages import not_regular

        if path.is_dir():
            print(_check_folder_message(path), file=sys.stderr)
            return 2
        what = not_regular(path.stat().st_mode) if path.exists() else None
        print(f"yusuan check: {printable_path(path)} is {what}; yusuan reads only regular files" if what
              else f"yusuan check: no such file: {printable_path(path)}", file=sys.stderr)
        return 2
    item = process(path, root=path.parent)
    d = item.document
    print(printable_path(path))
    if item.filing is None:
        print(f"  REJECTED: {d.error}")
        return 1
    f = item.filing
    cov = {r["source_table"]: r for r in item.frames["coverage"].iter_rows(named=True)} if "coverage" in item.frames \
        else {}
    counts = {k: df.height for k, df in item.frames.items() if k not in NOT_FACTS}
    by_kind = Counter(item.frames["budget_lines"]["table_kind"].to_list()) if "budget_lines" in item.frames \
        else Counter()
    for block in (view.header_lines(f, d), view.table_lines(f.tables, cov),
                  view.gap_lines(item.frames.get("coverage_gaps"), f.tables, every=not args.summary),
                  ["  facts: " + ", ".join(f"{k} {v}" for k, v in counts.items())]
                  + (["  budget lines by table (table_kind in the warehouse): "
                      + ", ".join(f"{view.table_name(k)} ({k}) {v}" for k, v in sorted(by_kind.items()))]
                     if by_kind else []),
                  view.check_lines(item.checks),
                  view.finding_lines(item.findings, f.tables, every=not args.summary)):
        lines = list(block)
        if lines:  # a filing with every amount read has no 'amounts left out' block
            print()
            print("\n".join(lines))
    if item.rejected:
        print(f"\n  REJECTED: {d.error}")
        return 1
    print(f"\n  to load it: {_load_command(path)}")
    return 0


def _load_command(path: Path) -> str:
    """The ingest that loads one checked filing: a file given alone has no county (its folders are not read), so
    the nearest folder above it named like a region is passed as --county."""
    import shlex

    from pipelines.lib.discovery import looks_like_region

    county = next((p.name for p in path.resolve().parents if looks_like_region(p.name)), None)
    return (f"{prog()} ingest {shlex.quote(str(path))} --county "
            + (shlex.quote(county) if county else "NAME  (the county it belongs to)"))


def _check_folder_message(folder: Path) -> str:
    """What to do when `yusuan check` is given a folder: name one of its filings, or read them all into a scratch
    warehouse (which leaves the real one alone)."""
    import shlex
    import tempfile

    from pipelines.lib.discovery import discover
    from pipelines.lib.stages import printable_path

    filings = sorted(f for f, _ in discover([folder]))
    scratch = Path(tempfile.gettempdir()) / "yusuan-check.duckdb"
    if not filings:
        return (f"yusuan check: {printable_path(folder)} is a folder, and holds no .docx or .pdf filing; "
                f"check takes one filing: {prog()} check FILE")
    return (f"yusuan check: {printable_path(folder)} is a folder ({len(filings)} filing(s) in it); check reads one "
            f"filing: {prog()} check {shlex.quote(str(filings[0]))}\n"
            f"  to read every filing in the folder without touching your warehouse, ingest it into a scratch one: "
            f"{prog()} ingest {shlex.quote(str(folder))} --db {shlex.quote(str(scratch))}")


def cmd_export(args) -> int:
    from pipelines.lib import warehouse

    db = _db(args)
    out = Path(args.out) if args.out else settings.load().exports
    con = _open_for_reading(db, args.wait, "export")
    if con is None:
        return 2
    try:
        manifest = warehouse.export(con, out)
    finally:
        con.close()
    for rel in manifest["relations"]:
        print(f"  {rel['relation']:<36} {rel['row_count']:>8} rows")
    print(f"wrote {out}/ (manifest.json)")
    import shlex

    table = str(out / "three_public")  # one relation, read as a dashboard or notebook would (README: one line per tool)
    print(f"read one: {shlex.quote(sys.executable)} -c \"import polars as pl; print(pl.read_parquet({table!r}))\"")
    return 0


SUMMARY_QUERIES = [
    ("documents by status", "select status, count(*) as files from core.documents group by status order by status"),
    ("departments and years loaded",
     "select county, department_name, doc_type, scope, "
     "string_agg(distinct year::varchar, ', ' order by year::varchar) as years "
     "from core.documents where status = 'loaded' group by all order by all"),
    ("facts in the marts",
     "select 'budget_lines' as relation, count(*) as n from marts.budget_lines union all "
     "select 'budget_summary', count(*) from marts.budget_summary union all "
     "select 'three_public', count(*) from marts.three_public union all "
     "select 'performance_indicators', count(*) from marts.performance_indicators"),
    # doc_type, scope and basis: a 预算 and a 决算 row (or 部门 and 单位) of one department, code and year are two
    # comparisons (marts.yoy_change compares like with like), and without them they read as one printed twice
    ("largest year-over-year changes (支出总表 by 类, 万元)",
     "select department_name, doc_type, scope, basis, subject_code as code, subject_name, prior_year, year, "
     "prior_amount_wan::decimal(18,2) as prior_wan, amount_wan::decimal(18,2) as wan, change_wan::decimal(18,2) as change, "
     "change_pct from marts.yoy_change where table_kind = 'expenditure' and measure = 'total' and length(subject_code) = 3 "
     "order by abs(change_wan) desc limit 5"),
    ("三公 totals by department and year (万元)",
     "select department_name, scope, year, doc_type, basis, amount_wan::decimal(18,2) as wan, "
     "change_wan::decimal(18,2) as change, change_pct "
     "from marts.three_public_trend "
     "where category = 'total' order by department_name, scope, doc_type, basis, year"),
    ("largest execution gaps: 决算 against budget (支出决算表 by 类, 本年支出合计, 三公; 万元)",
     "select department_name, scope, year, table_kind, coalesce(subject_code, category, item) as what, "
     "budget_wan::decimal(18,2) as budget, final_wan::decimal(18,2) as final, final_printed, "
     "gap_wan::decimal(18,2) as gap, execution_pct, budget_source from marts.budget_execution "
     "where measure in ('total', 'amount') and ((table_kind = 'expenditure' and length(subject_code) = 3) "
     "or (table_kind = 'summary' and side = 'expense' and item = 'current_year_total') "
     "or table_kind = 'three_public') and budget_wan is not null and gap_wan <> 0 "
     "order by abs(gap_wan) desc limit 8"),
    ("findings by severity and check",
     "select severity, \"check\", count(*) as n from quality.findings group by all order by n desc, severity, \"check\""),
]


SUMMARY_ROWS = 30  # rows a section of `yusuan summary` prints; the rest are one pasted command away


def cmd_summary(args) -> int:
    import shlex

    from pipelines.lib import warehouse

    db = _db(args)
    import polars as pl

    con = _open_for_reading(db, args.wait, "summary")
    if con is None:
        return 2
    # polars' settings for these tables only (pl.Config outside a `with` sets them for the whole process, and its
    # environment: a notebook or test calling main() kept them, and so did the programs it started)
    with con, pl.Config(tbl_rows=SUMMARY_ROWS, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=40,
                        tbl_hide_column_data_types=True, tbl_hide_dataframe_shape=True):
        for title, sql in SUMMARY_QUERIES:
            print(f"\n== {title}")
            try:
                df = _checks_explained(_kinds_named(warehouse.query_pl(con, sql)))
                print(df.head(SUMMARY_ROWS) if df.height else "  (none)")
                if df.height > SUMMARY_ROWS:  # polars would leave out the middle rows without a word
                    quoted = f'"{sql}"' if '"' not in sql else shlex.quote(sql)
                    print(f"  the first {SUMMARY_ROWS} of {df.height} rows; all of them: {prog()} sql"
                          f"{_db_option(db)} --max-rows {df.height} {quoted}")
            except Exception as err:  # a relation missing in an old warehouse should not hide the rest
                print(f"  (not available: {str(err).splitlines()[0]})")
        for line in _summary_next_steps(con, db):
            print(line)
        old_clients = warehouse.readable_by_duckdb_1_4(con)
        if old_clients is False:
            print(f"\nnote: {db} was created in DuckDB 2.0's storage format, which DuckDB 1.4/1.5 clients (the DuckDB "
                  "CLI, DBeaver) cannot open; warehouses yusuan creates now are readable by DuckDB ≥ 1.4 — ingest "
                  "the filings into a new file (--db) to get one")
    return 0


def _kinds_named(df):
    """A printed table's ``table_kind`` column as the Chinese table name an analyst knows (支出总表, “三公”经费表), in a
    column named ``table``; the key stays what the warehouse holds and what SQL filters on."""
    if "table_kind" not in df.columns:
        return df
    import polars as pl

    from pipelines.lib.check_view import table_name

    names = {k: table_name(k) for k in df["table_kind"].unique().to_list()}
    return df.with_columns(pl.col("table_kind").replace_strict(names, return_dtype=pl.String)).rename(
        {"table_kind": "table"})


def _checks_explained(df):
    """Beside a printed table's ``check`` column, what that check promises (check_registry): ``hierarchy_sum`` alone
    does not tell a reader it is arithmetic (类 = Σ 款 …), nor ``three_public_blank`` that a 决算数 was left blank."""
    if "check" not in df.columns:
        return df
    import polars as pl

    from pipelines.lib import check_registry

    def promise(name: str) -> str:
        try:
            owner = check_registry.owner(name)
        except KeyError:  # a name an older or newer yusuan wrote
            return ""
        # a facet (amount_parses, three_public_blank …) says the check it is part of, whose promise follows
        return ("" if owner == name else f"({owner}) ") + check_registry.BY_NAME[owner].promise

    names = {c: promise(c) for c in df["check"].unique().to_list()}
    return df.with_columns(pl.col("check").replace_strict(names, return_dtype=pl.String).alias("what it checks"))


def _summary_next_steps(con, db: Path) -> list[str]:
    """Where the summary's counts go on: the commands that list the rejected files and the findings one by one."""
    opt, y = _db_option(db), prog()
    try:
        rejected, findings = con.execute(
            "select (select count(*) from core.documents where status = 'rejected'), "
            "(select count(*) from quality.findings)").fetchone()
    except Exception:  # an old warehouse without one of them: the sections above said so
        return []
    out = []
    if rejected:
        out.append(f"  the {rejected} rejected file(s) and why: {y} sql{opt} --max-width 0 "
                   "\"select source_path, error from core.documents where status = 'rejected'\"")
    if findings:
        out.append(f"  each finding with its file: {y} sql{opt} \"select d.file_name, f.severity, f.check, "
                   "f.location, f.message from quality.findings f join core.documents d using (document_id) "
                   "order by all\"")
    return ["", "next:"] + out if out else []


def cmd_docs(args) -> int:
    from pipelines.lib import dictionary

    if args.dictionary:
        if not args.dictionary_out:  # the files generated from the one source of each relation and vocabulary
            from pipelines.lib import ddl
            print(f"vocabularies written: {dictionary.write_vocabularies()}")
            print(f"tables of the frames written: {ddl.write_frames_ddl()}")
        path = dictionary.write(Path(args.dictionary_out) if args.dictionary_out else None)
        print(f"data dictionary written: {path}")
        return 0
    from pipelines.lib import transform
    from pipelines.lib.warehouse import WarehouseMissing

    db = _db(args)
    if not db.exists():
        raise WarehouseMissing(f"no warehouse at {db}; run `yusuan ingest` first or pass --db")
    index = transform.docs(args.out, db)
    print(f"dbt docs site written: {index} (open it in a browser; no server needed)")
    print(f"data dictionary (Markdown): {dictionary.dictionary_path()}")
    return 0


def cmd_report(args) -> int:
    from pipelines.lib.report import write_report

    db = _db(args)
    con = _open_for_reading(db, args.wait, "report")
    if con is None:
        return 2
    try:
        report = write_report(con, Path(args.out))
    finally:
        con.close()
    print(f"wrote {report.counties} county page(s) and {report.departments} department page(s): "
          f"open {report.pages[0]} in a browser (works offline)")
    return 0


def _open_for_reading(db: Path, wait: float, command: str):
    """A read-only connection to the warehouse, waiting up to ``wait`` seconds while it is being written.

    Returns None after telling the reader what to do when there is no warehouse or it is still being written.
    """
    import time

    from pipelines.lib import warehouse

    if not db.exists():
        print(f"yusuan {command}: no warehouse at {db}; run `yusuan ingest PATH` first", file=sys.stderr)
        return None
    deadline = time.monotonic() + max(wait, 0.0)
    told = False
    while True:
        try:
            return warehouse.connect(db, read_only=True)
        except warehouse.WarehouseInUse as err:
            if time.monotonic() >= deadline:
                waited = f" (waited {wait:g} s)" if wait else ""
                print(f"yusuan {command}: the warehouse {db} is being written by {err.holder}{waited}; "
                      f"try again when it has finished, or pass --wait SECONDS to wait for it", file=sys.stderr)
                return None
            if not told:
                print(f"waiting up to {wait:g} s: the warehouse {db} is being written by {err.holder} …",
                      file=sys.stderr)
                told = True
            time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))


TEXT_WIDTH = 80  # characters of a text cell `yusuan sql` prints before cutting it short (--max-width)


def _print_relation(relation, max_rows: int, max_width: int = TEXT_WIDTH) -> None:
    """Print a query's result as an aligned table (Chinese text included), at most ``max_rows`` rows, text cells
    cut at ``max_width`` characters (0: whole)."""
    import polars as pl

    from pipelines.lib import warehouse

    if relation is None:  # a statement without a result (set, pragma …)
        print("ok")
        return
    frame = warehouse.relation_pl(relation, limit=max_rows + 1)
    more = frame.height > max_rows
    frame = _fewest_decimals(frame.head(max_rows))
    width = max_width if max_width > 0 else 1_000_000
    with pl.Config(tbl_rows=max_rows, tbl_cols=-1, tbl_width_chars=10_000, fmt_str_lengths=width,
                   tbl_hide_column_data_types=True, tbl_hide_dataframe_shape=True, fmt_float="full"):
        print(frame)
    rows = f"first {max_rows} rows shown; add a limit or pass --max-rows" if more else \
        f"{frame.height} row{'s' if frame.height != 1 else ''}"
    texts = [c for c, t in frame.schema.items() if t == pl.String]
    longest = frame.select(pl.max_horizontal(pl.col(texts).str.len_chars().max())).item() if texts else None
    if (longest or 0) > width:
        rows += f"; text cut at {width} characters (…): --max-width 0 prints it whole"
    print(f"({rows})")


def _fewest_decimals(frame):
    """The frame to print, each DECIMAL column with the decimals its printed values need, at least two: 79.80, not
    the warehouse's 79.800000; a 北京 amount of 12.345678 万元 keeps all six.  Every value prints exactly as stored."""
    import polars as pl

    narrower = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Decimal) and dtype.scale is not None and dtype.scale > 2:
            needed = max((max(0, -v.normalize().as_tuple().exponent) for v in frame[name] if v is not None), default=0)
            if max(needed, 2) < dtype.scale:
                narrower.append(pl.col(name).cast(pl.Decimal(dtype.precision, max(needed, 2))))
    return frame.with_columns(narrower) if narrower else frame


def _run_sql(con, text: str, max_rows: int, max_width: int = TEXT_WIDTH) -> bool:
    """Run one SQL text and print its result — each statement's, when it holds several (DuckDB alone would print
    the last one's only: two queries pasted together lost the first); False (after saying why) if DuckDB refused
    one, and the rest are not run."""
    import duckdb

    try:
        statements = con.extract_statements(text)
        if len(statements) <= 1:
            _print_relation(con.sql(text), max_rows, max_width)
        for statement in statements if len(statements) > 1 else ():
            print(statement.query.strip())
            _print_relation(con.sql(statement.query), max_rows, max_width)
    except duckdb.Error as err:
        message = str(err).strip()
        if "read-only" in message:
            message += "\n(yusuan sql opens the warehouse read-only; the warehouse is written by yusuan ingest)"
        elif isinstance(err, duckdb.CatalogException):
            message += (f"\n({prog()} sql .tables lists the relations; docs/warehouse.md describes each one and "
                        "its columns)")
        print(message, file=sys.stderr)
        return False
    return True


def cmd_sql(args) -> int:
    db = _db(args)
    con = _open_for_reading(db, args.wait, "sql")
    if con is None:
        return 2
    try:
        if args.query is not None and args.query.strip().rstrip(";") == ".tables":  # as at the prompt
            return 0 if _run_sql(con, TABLES_SQL, 1000) else 1
        if args.query is not None:
            return 0 if _run_sql(con, args.query, args.max_rows, args.max_width) else 1
        # No query: a prompt, or the statements piped in (`yusuan sql < queries.sql`), one after another.
        return 0 if _prompt(con, db, args.max_rows, interactive=sys.stdin.isatty(), max_width=args.max_width) else 1
    finally:
        con.close()


TABLES_SQL = ("select table_schema || '.' || table_name as relation, table_type from information_schema.tables "
              "where table_schema in ('core', 'quality', 'dw', 'marts') order by 1")


def _prompt(con, db: Path, max_rows: int, *, interactive: bool, max_width: int = TEXT_WIDTH) -> bool:
    """Statements from a prompt (or piped in): one runs when its line ends with ';'; .tables lists the
    relations.  False if a piped statement failed."""
    if interactive:
        print(f"{db} (read-only). End a statement with ';'. .tables lists the relations, .quit leaves.")
    buffer: list[str] = []
    ok = True
    while True:
        try:
            line = input(("yusuan> " if not buffer else "   ...> ") if interactive else "")
        except EOFError:
            if buffer and "".join(buffer).strip():
                ok = _run_sql(con, "\n".join(buffer), max_rows, max_width) and ok
            if interactive:
                print()
            return ok
        except KeyboardInterrupt:
            print()
            buffer.clear()
            continue
        command = line.strip()
        if not buffer and command in (".quit", ".exit", "quit", "exit"):
            return ok
        if not buffer and command == ".tables":
            _run_sql(con, TABLES_SQL, 1000)
            continue
        buffer.append(line)
        if command.endswith(";"):
            ok = _run_sql(con, "\n".join(buffer), max_rows, max_width) and ok
            buffer.clear()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yusuan", description="County budget disclosures (部门预算公开) into DuckDB.")
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("ingest", help="ingest every filing under PATH (files or folders)")
    i.add_argument("paths", nargs="+", metavar="PATH")
    i.add_argument("--db", help=f"warehouse file (default $YUSUAN_DB, else {DEFAULT_DB})")
    i.add_argument("--county", help="county for filings not under a region folder")
    i.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="if another yusuan process is writing the warehouse, wait up to SECONDS for it "
                        "(default 0: stop at once, exit 2)")
    i.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="read, normalize and validate filings in N processes (this one, which also loads, and "
                        "N-1 workers; default: every core, one per 32 filings at most)")
    i.add_argument("--full-refresh", action="store_true",
                   help="rebuild every SQL model in full (by default a batch that touches few departments "
                        "rebuilds only their rows, and one that changes nothing builds nothing)")
    i.set_defaults(func=cmd_ingest)
    c = sub.add_parser("check", help="extract and validate one filing without touching the warehouse")
    c.add_argument("file")
    c.add_argument("--summary", action="store_true",
                   help="group the findings by check and table without listing each one")
    c.set_defaults(func=cmd_check)
    e = sub.add_parser("export", help="write every marts.* relation to Parquet")
    e.add_argument("--db", help=DB_HELP)
    e.add_argument("--out", default=None,
                   help=f"folder to write (default ${settings.EXPORTS.env}, else {settings.EXPORTS.default})")
    e.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help=READ_WAIT_HELP)
    e.set_defaults(func=cmd_export)
    r = sub.add_parser("summary", help="print what the warehouse holds: documents, facts, top changes, 三公")
    r.add_argument("--db", help=DB_HELP)
    r.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help=READ_WAIT_HELP)
    r.set_defaults(func=cmd_summary)
    d = sub.add_parser("docs", help="build the dbt docs site of the models (lineage, columns, tests) as one HTML file")
    d.add_argument("--db", help="warehouse whose tables the site describes (default $YUSUAN_DB, else "
                   f"{DEFAULT_DB})")
    d.add_argument("--out", default="data/docs", help="folder for index.html (default data/docs)")
    d.add_argument("--dictionary", action="store_true",
                   help="instead, regenerate the files derived from the models and vocabularies (sql/ddl/20_frames.sql, "
                        "the vocabularies of sql/dbt_project.yml) and the data dictionary (docs/dictionary.md)")
    d.add_argument("--dictionary-out", help=argparse.SUPPRESS)
    d.set_defaults(func=cmd_docs)
    h = sub.add_parser("report", help="write a static HTML report per county and per department, with charts")
    h.add_argument("--db", help=DB_HELP)
    h.add_argument("--out", default="data/report", help="folder to write (default data/report)")
    h.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help=READ_WAIT_HELP)
    h.set_defaults(func=cmd_report)
    q = sub.add_parser("sql", help="run SQL on the warehouse (read-only) and print the result as a table; "
                                   "without a query, an interactive prompt")
    q.add_argument("query", nargs="?", help="SQL text, e.g. \"from marts.three_public_trend limit 5\"")
    q.add_argument("--db", help=DB_HELP)
    q.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help=READ_WAIT_HELP)
    q.add_argument("--max-rows", type=int, default=100, metavar="N", help="rows to print (default 100)")
    q.add_argument("--max-width", type=int, default=TEXT_WIDTH, metavar="N",
                   help=f"characters of a text cell to print before cutting it short with … (default {TEXT_WIDTH}; "
                        "0: print it whole)")
    q.set_defaults(func=cmd_sql)
    return p


DB_HELP = f"warehouse file to read (default ${settings.DB.env}, else {DEFAULT_DB})"
READ_WAIT_HELP = ("if the warehouse is being written (an ingest is running), wait up to SECONDS for it "
                  "(default 0: say so and exit 2)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        if argv is None and args.func is cmd_ingest:  # the program itself, not a caller of main([...])
            _end_now(code)
        return code
    except BrokenPipeError:
        # The reader went away (`yusuan … | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("interrupted: every filing loaded so far is complete, the ones in progress were not loaded; "
              "run the same command again to finish (it skips what is loaded and rebuilds the marts)",
              file=sys.stderr)
        return 2
    except Exception as err:  # a system error: say what, exit 2
        from pipelines.lib.errors import RejectedFile

        if isinstance(err, RejectedFile):
            print(f"yusuan: {err.reason}", file=sys.stderr)
        else:
            print(f"yusuan: {err or type(err).__name__}", file=sys.stderr)
        return 2


def _end_now(code: int) -> None:
    """End the process now, with ``code``, without Python's teardown of the ~2,000 modules an ingest imported
    (~0.06 CPU s, ~0.1 s wall, all of it after the last line): only once the warehouse is closed (``ingest()``
    closes it before returning), every worker has exited, and what was printed is flushed; else return and let
    Python end as usual."""
    import multiprocessing

    if multiprocessing.active_children():
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stdout: the usual path says so
        return
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
