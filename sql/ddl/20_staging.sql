-- One table per tidy frame of pipelines/lib/frames.py, same column names and types, keyed by
-- document_id.  Rows of every filing ever loaded stay here, superseded ones included (the ledger
-- and audits need them); the dw models keep only documents with status 'loaded'.
-- No indexes: loads are bulk appends and per-document reads prune by row-group min/max.
create table if not exists staging.budget_lines (
    document_id varchar not null,
    table_kind varchar not null,
    classification varchar,  -- function | economic
    subject_code varchar,
    subject_name varchar,
    subject_level tinyint,  -- 1 = 3 digits, 2 = 5, 3 = 7
    parent_code varchar,
    measure varchar not null,
    basis varchar not null default 'budget',  -- budget 预算数 | adjusted_budget 调整预算数 | final 决算数
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

create table if not exists staging.budget_summary (
    document_id varchar not null,
    table_kind varchar not null,  -- summary | fiscal_summary
    side varchar,  -- income | expense
    item varchar,
    item_name varchar,
    subject_code varchar,
    measure varchar not null,
    basis varchar not null default 'budget',  -- budget 预算数 | adjusted_budget 调整预算数 | final 决算数
    amount_yuan decimal(18, 2),
    amount_wan decimal(18, 6),
    amount_text varchar,
    source_table integer,
    source_row integer,
    source_col integer
);

create table if not exists staging.three_public (
    document_id varchar not null,
    category varchar not null,
    category_label varchar,
    fund_source varchar not null,
    basis varchar not null default 'budget',  -- budget 预算数 | adjusted_budget 调整预算数 | final 决算数
    amount_yuan decimal(18, 2),
    amount_wan decimal(18, 6),
    amount_text varchar,
    source_table integer,
    source_row integer,
    source_col integer
);

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

create table if not exists staging.projects (
    document_id varchar not null,
    project_seq integer,
    project_name varchar,
    cost_wan decimal(18, 6),
    cost_text varchar,
    source_table integer
);

-- What a project's 绩效目标 form prints about it (docs/warehouse.md); added to warehouses made before.
alter table staging.projects add column if not exists cost_basis varchar;
alter table staging.projects add column if not exists project_code varchar;
alter table staging.projects add column if not exists supervisor varchar;
alter table staging.projects add column if not exists implementer varchar;
alter table staging.projects add column if not exists nature varchar;
alter table staging.projects add column if not exists category varchar;
alter table staging.projects add column if not exists total_funds_yuan decimal(18, 2);
alter table staging.projects add column if not exists total_funds_wan decimal(18, 6);
alter table staging.projects add column if not exists annual_funds_yuan decimal(18, 2);
alter table staging.projects add column if not exists annual_funds_wan decimal(18, 6);
alter table staging.projects add column if not exists fiscal_funds_yuan decimal(18, 2);
alter table staging.projects add column if not exists fiscal_funds_wan decimal(18, 6);
alter table staging.projects add column if not exists objective varchar;
alter table staging.projects add column if not exists overall_objective varchar;
alter table staging.projects add column if not exists attributes varchar;

create table if not exists staging.narrative_figures (
    document_id varchar not null,
    figure varchar not null,
    stated_wan decimal(18, 6),
    sentence varchar
);
