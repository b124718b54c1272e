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
