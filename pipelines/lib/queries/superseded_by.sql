-- The loaded filings a new filing ($new_id) supersedes, oldest first: same county, department, year, doc_type,
-- scope and part. The department is its code where the filing prints one, else its name among filings that print
-- no code. A 单位预算 never replaces its 部门预算, nor a 决算 a 预算 (scope and doc_type differ).
select document_id
from core.documents
where status = 'loaded' and document_id <> $new_id
    and county is not distinct from $county
    and case when $department_code is not null then department_code = $department_code
             else department_code is null and department_name = $department_name end
    and year = $year and doc_type = $doc_type and scope = $scope and part is not distinct from $part
order by ingested_at
