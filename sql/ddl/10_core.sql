-- One row per file ever seen, keyed by the sha256 of its bytes: a byte-identical copy under another
-- name is the same document, so the first path seen is kept.
create table if not exists core.documents (
    document_id varchar primary key,  -- sha256 of the bytes, lowercase hex
    file_name varchar not null,
    source_path varchar,
    region varchar,  -- folders between the ingest root and the file, '/'-joined, year folders dropped
    county varchar,
    department_code varchar,
    department_name varchar,
    year integer,
    doc_type varchar not null default 'budget' check (doc_type in ('budget', 'final_accounts')),
    -- department = 部门预算/部门决算 (the department with all its units) | unit = 单位预算/单位决算 (one unit)
    scope varchar not null default 'department' check (scope in ('department', 'unit')),
    unit varchar check (unit in ('万元', '元')),
    status varchar not null check (status in ('loaded', 'rejected', 'superseded')),
    error varchar,  -- why rejected, as the reader or validator said it
    ingested_at timestamptz not null,  -- first time these bytes were seen
    -- extras beyond the contract
    file_type varchar,  -- docx | pdf | xlsx | xls | doc
    file_size bigint,
    pages integer,
    n_tables integer,
    status_changed_at timestamptz,  -- last change of status (loaded -> superseded, rejected -> loaded)
    superseded_by varchar,  -- document_id of the filing that replaced this one
    part varchar,  -- 'narrative': the narrative half of a filing published as two files (schema version 3)
    -- the name as printed where it differs from department_name: 泉州市人民政府办公室（本级） (schema version 4)
    printed_name varchar
);

-- The restatement ledger: every fact whose amount changed, appeared or disappeared when a filing
-- was replaced by a newer one for the same county, department, year, doc_type and scope.  Append-only;
-- written by the loader in the same transaction as the replacement (marts.restatements reads it).
create table if not exists core.restatements (
    county varchar,
    department_code varchar,
    department_name varchar,
    year integer,
    doc_type varchar,
    scope varchar,
    old_document_id varchar not null,
    new_document_id varchar not null,
    relation varchar not null,  -- budget_lines | budget_summary | three_public | projects
    table_kind varchar,
    classification varchar,
    side varchar,
    subject_code varchar,
    item varchar,
    category varchar,
    measure varchar,
    basis varchar,
    change_kind varchar not null check (change_kind in ('changed', 'appeared', 'disappeared')),
    old_amount_yuan decimal(18, 2),
    new_amount_yuan decimal(18, 2),
    old_amount_wan decimal(18, 6),
    new_amount_wan decimal(18, 6),
    detected_at timestamptz not null
);
