-- raw.table_cells: every cell of every table of a filing, once, at its grid origin with its span,
-- so any fact can be checked against what the filing printed (source_table / source_row / source_col).
create table if not exists raw.table_cells (
    document_id varchar not null,
    source_table integer,
    logical_table integer,
    table_kind varchar,
    title varchar,
    source_row integer,
    source_col integer,
    row_span integer,
    col_span integer,
    text varchar,
    page integer
);

-- quality.check_results: every check run on every filing (passed / failed / not_run), so coverage is
-- visible and not only failures: a 政府性基金 table empty by declaration is "not_run", never "failed".
create table if not exists quality.check_results (
    document_id varchar not null,
    "check" varchar not null,
    table_kind varchar,
    status varchar not null check (status in ('passed', 'failed', 'not_run')),
    compared integer,
    within_rounding integer,
    failures integer,
    reason varchar
);

-- quality.coverage: self-coverage per logical budget table — the amounts its body prints and how many became
-- lines (pipelines/lib/coverage.py says exactly what is counted).  quality.coverage_gaps: each amount left out,
-- with its row label, its column's header and why.
create table if not exists quality.coverage (
    document_id varchar not null,
    source_table integer,
    table_kind varchar,
    title varchar,
    printed integer,
    "read" integer
);
create table if not exists quality.coverage_gaps (
    document_id varchar not null,
    source_table integer,
    source_row integer,
    source_col integer,
    table_kind varchar,
    text varchar,
    row_label varchar,
    "column" varchar,
    reason varchar
);
