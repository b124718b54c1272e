-- The loaded filings each new filing of $keys supersedes (a list of structs: document_id, county, department_code,
-- department_name, year, doc_type, scope, part), oldest first: same county, department, year, doc_type, scope and
-- part. The department is its code where the filing prints one, else its name among filings that print no code —
-- the department a name is an alias of (core.department_aliases, recorded before this is asked), as the marts key
-- it (dim_document): 江苏省委办公厅 re-filing what 中共江苏省委办公厅 filed replaces it.
-- A 单位预算 never replaces its 部门预算, nor a 决算 a 预算 (scope and doc_type differ).
with new as (
    select f.*, coalesce(a.department, f.department_name) as department_of
    from (select unnest($keys) as f)
    left join core.department_aliases as a on a.county is not distinct from f.county and a.alias = f.department_name
)
select new.document_id as new_id, old.document_id
from new
join core.documents as old
    on old.status = 'loaded' and old.document_id <> new.document_id
    and old.county is not distinct from new.county
    and old.year = new.year and old.doc_type = new.doc_type and old.scope = new.scope
    and old.part is not distinct from new.part
left join core.department_aliases as a
    on a.county is not distinct from old.county and a.alias = old.department_name
where case when new.department_code is not null then old.department_code = new.department_code
           else old.department_code is null and coalesce(a.department, old.department_name) = new.department_of end
order by new_id, old.ingested_at
