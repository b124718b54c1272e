-- The loaded filings each new filing of $keys supersedes (a list of structs: document_id, county, department_code,
-- department_name, year, doc_type, scope, part), oldest first: same county, department, year, doc_type, scope and
-- part. The department is its code where the filing prints one, else its name among filings that print no code.
-- A 单位预算 never replaces its 部门预算, nor a 决算 a 预算 (scope and doc_type differ).
select new.f.document_id as new_id, old.document_id
from (select unnest($keys) as f) as new
join core.documents as old
    on old.status = 'loaded' and old.document_id <> new.f.document_id
    and old.county is not distinct from new.f.county
    and case when new.f.department_code is not null then old.department_code = new.f.department_code
             else old.department_code is null and old.department_name = new.f.department_name end
    and old.year = new.f.year and old.doc_type = new.f.doc_type and old.scope = new.f.scope
    and old.part is not distinct from new.f.part
order by new_id, old.ingested_at
