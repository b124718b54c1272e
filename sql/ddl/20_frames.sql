-- GENERATED from schemas/models.py (pipelines.schemas.models.RELATIONS) by `yusuan docs --dictionary`:
-- edit the models, not this file (tests/sql/test_warehouse_load.py fails when it is stale).
-- One table per tidy frame, same column names, order and types, keyed by document_id.  Rows of every
-- filing ever loaded stay here, superseded ones included (the ledger and audits need them); the dw models
-- keep only documents with status 'loaded'.  No indexes: loads are bulk appends and per-document reads
-- prune by row-group min/max.  A column added to a table a warehouse already has also needs a migration
-- (pipelines/lib/migrations.py).

-- One subject-coded amount: department × year × table × subject × measure (元 and 万元).
create table if not exists staging.budget_lines (
    document_id varchar not null,
    table_kind varchar not null,
    classification varchar,  -- function | economic
    subject_code varchar,
    subject_name varchar,
    subject_level tinyint,  -- 1 = 3 digits, 2 = 5, 3 = 7
    parent_code varchar,
    measure varchar not null,
    basis varchar not null default 'budget',  -- budget 预算数 | adjusted_budget 调整预算数 | final 决算数 | prior_year_budget 上年预算数, change_on_prior_year 比上年增减 (printed beside)
    amount_yuan decimal(18, 2),
    amount_wan decimal(18, 6),
    amount_text varchar,
    source_table integer,
    source_row integer,
    source_col integer,
    cross_code varchar,  -- a cross-classified table: the row's codes in its other classification columns, '|'-joined
    cross_name varchar,
    section smallint,  -- a table printing its subjects over again (one run per unit): the run, 1, 2, …
    section_name varchar  -- the unit of the run where the table names it (西安: 西安市安全生产宣传教育中心)
);

-- A line of the 收支总表 or 财政拨款收支总表 (or a 收入总表 by source without codes: 江苏).
create table if not exists staging.budget_summary (
    document_id varchar not null,
    table_kind varchar not null,  -- summary | fiscal_summary
    side varchar,  -- income | expense
    item varchar,
    item_name varchar,
    subject_code varchar,
    measure varchar not null,
    basis varchar not null default 'budget',  -- budget 预算数 | adjusted_budget 调整预算数 | final 决算数 | prior_year_budget 上年预算数, change_on_prior_year 比上年增减 (printed beside)
    amount_yuan decimal(18, 2),
    amount_wan decimal(18, 6),
    amount_text varchar,
    source_table integer,
    source_row integer,
    source_col integer
);

-- A 三公经费 amount by category and fund source.
create table if not exists staging.three_public (
    document_id varchar not null,
    category varchar not null,
    category_label varchar,
    fund_source varchar not null,
    basis varchar not null default 'budget',  -- budget 预算数 | adjusted_budget 调整预算数 | final 决算数 | prior_year_budget 上年预算数, change_on_prior_year 比上年增减 (printed beside)
    amount_yuan decimal(18, 2),
    amount_wan decimal(18, 6),
    amount_text varchar,
    source_table integer,
    source_row integer,
    source_col integer
);

-- One indicator of a project's 绩效目标 table.
create table if not exists staging.performance_indicators (
    document_id varchar not null,
    project_seq integer,
    project_name varchar,
    objective varchar,
    indicator_level1 varchar,
    indicator_level2 varchar,
    indicator_level3 varchar,
    description varchar,
    target_value varchar,
    basis varchar,
    classified boolean,
    source_table integer,
    source_row integer
);

-- A project with a 绩效目标 table; cost_wan from its 成本指标, else its form's funds (cost_basis says which). The
-- columns beyond :class:`_ProjectContract` are what a project's 绩效目标 form prints about it (docs/warehouse.md).
create table if not exists staging.projects (
    document_id varchar not null,
    project_seq integer,
    project_name varchar,
    cost_wan decimal(18, 6),
    cost_text varchar,
    source_table integer,
    cost_basis varchar,
    project_code varchar,
    supervisor varchar,
    implementer varchar,
    nature varchar,
    category varchar,
    total_funds_yuan decimal(18, 2),
    total_funds_wan decimal(18, 6),
    annual_funds_yuan decimal(18, 2),
    annual_funds_wan decimal(18, 6),
    fiscal_funds_yuan decimal(18, 2),
    fiscal_funds_wan decimal(18, 6),
    objective varchar,
    overall_objective varchar,
    attributes varchar
);

-- What the narrative states, kept with its sentence (checked against the tables).
create table if not exists staging.narrative_figures (
    document_id varchar not null,
    figure varchar not null,
    stated_wan decimal(18, 6),
    sentence varchar
);

-- A line of a 政府采购预算表: each row that prints an amount, labelled by its text cells with the group lines above
-- carried down (三、服务C / 物业管理费 / 物业管理服务); is_total marks the table's 合计 row.
create table if not exists staging.procurement (
    document_id varchar not null,
    basis varchar not null default 'budget',
    item varchar,
    is_total boolean,
    amount_yuan decimal(18, 2),
    amount_wan decimal(18, 6),
    amount_text varchar,
    source_table integer,
    source_row integer,
    source_col integer
);

-- An amount of a row named by spending unit (资金使用单位 / 预算单位) instead of subject code: the unit's own row
-- (item_name NULL) or an item printed under it (广东 部门预算基本支出预算表: 工资福利支出 under each unit).
create table if not exists staging.unit_lines (
    document_id varchar not null,
    table_kind varchar not null,
    unit_name varchar,
    item_name varchar,
    measure varchar not null,
    basis varchar not null default 'budget',
    amount_yuan decimal(18, 2),
    amount_wan decimal(18, 6),
    amount_text varchar,
    source_table integer,
    source_row integer,
    source_col integer
);

-- Everything validation noticed, for loaded and rejected filings alike. "check" is an SQL keyword: quote it in
-- queries.
create table if not exists quality.findings (
    document_id varchar not null,
    severity varchar not null check (severity in ('error', 'warning', 'info')),
    "check" varchar not null,
    table_kind varchar,
    location varchar,
    expected varchar,
    actual varchar,
    message varchar
);

-- Every cell of every table of a filing, once, at its grid origin with its span, so any fact can be checked
-- against what the filing printed (source_table / source_row / source_col).
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

-- Every check run on every filing (passed / failed / not_run), so coverage is visible and not only failures: a
-- 政府性基金 table empty by declaration is "not_run", never "failed".
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

-- Self-coverage per logical budget table: the amounts its body prints and how many became lines
-- (pipelines/lib/coverage.py says exactly what is counted).
create table if not exists quality.coverage (
    document_id varchar not null,
    source_table integer,
    table_kind varchar,
    title varchar,
    printed integer,
    read integer
);

-- Each amount a recognised budget table prints that did not become a line, with its row label, its column's
-- header and why.
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
