-- Split filings: core.documents.part (10_core.sql; migration 3 adds it to older warehouses).

-- Every department name a county's filings print, and the department it belongs to: a body renamed or
-- abbreviated between years (中国共产党江苏省委员会办公厅 → 中共江苏省委办公厅) is one department.
-- matched_by: 'printed' (a department of its own), 'abbreviation' (equal once known abbreviations are applied,
-- pipelines/lib/layouts.py ABBREVIATIONS), 'contained' (one name ends with the other: 江苏省委办公厅),
-- 'scope suffix' (the name printed with its scope after it: 泉州市人民政府办公室（本级）, layouts.SCOPE_SUFFIX).
create table if not exists core.department_aliases (
    county varchar,
    alias varchar not null,
    department varchar not null,
    matched_by varchar not null check (matched_by in ('printed', 'abbreviation', 'contained', 'scope suffix')),
    document_id varchar,  -- the filing that first printed this name
    recorded_at timestamptz
);

-- 政府采购预算表 lines: each row that prints an amount, labelled by its text cells with the group lines above
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

-- Rows named by spending unit (资金使用单位 / 预算单位) instead of subject code: the unit's own row (item_name NULL)
-- or an item printed under it (广东 部门预算基本支出预算表: 工资福利支出 under each unit).  docs/warehouse.md.
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
