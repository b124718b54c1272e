-- Year over year per department, table, subject and measure.  A year is compared with the year
-- before only where the department has a loaded filing for both years; a subject printed in only
-- one of the two counts as 0 on the other side, so new and dropped subjects both show.
-- change_pct is NULL where the prior amount is 0 (a new subject): no division by zero.
-- Like is compared with like: the same doc_type (预算 / 决算), scope (部门 / 单位) and basis
-- (预算数 / 调整预算数 / 决算数) in both years — a 决算 is never compared with a 预算.
with

lines as (

    select
        department_key,
        doc_type,
        scope,
        basis,
        table_kind,
        subject_code,
        measure,
        year,
        any_value(classification) as classification,
        any_value(subject_name) as subject_name,
        any_value(subject_level) as subject_level,
        any_value(document_id) as document_id,
        sum(amount_wan)::decimal(18, 6) as amount_wan

    from {{ lines_counted_once(ref("fct_budget_line")) }} as counted_once
    where subject_code is not null
    group by department_key, doc_type, scope, basis, table_kind, subject_code, measure, year

),

filed as (

    select distinct department_key, doc_type, scope, year
    from {{ ref("dim_document") }}
    where status = 'loaded' and year is not null

),

comparable as (

    select cur.department_key, cur.doc_type, cur.scope, cur.year
    from filed as cur
    inner join filed as prior
        on cur.department_key = prior.department_key
        and cur.doc_type = prior.doc_type
        and cur.scope = prior.scope
        and prior.year = cur.year - 1

),

prior_lines as (

    select
        department_key,
        doc_type,
        scope,
        basis,
        table_kind,
        subject_code,
        measure,
        year + 1 as year,
        classification as prior_classification,
        subject_name as prior_subject_name,
        subject_level as prior_subject_level,
        document_id as prior_document_id,
        amount_wan as prior_amount_wan

    from lines

),

compared as (

    select
        department_key,
        doc_type,
        scope,
        basis,
        table_kind,
        subject_code,
        measure,
        year,
        coalesce(lines.classification, prior_lines.prior_classification) as classification,
        coalesce(lines.subject_name, prior_lines.prior_subject_name) as subject_name,
        coalesce(lines.subject_level, prior_lines.prior_subject_level) as subject_level,
        lines.document_id,
        prior_lines.prior_document_id,
        coalesce(lines.amount_wan, 0) as amount_wan,
        coalesce(prior_lines.prior_amount_wan, 0) as prior_amount_wan

    from lines
    full join prior_lines
        using (department_key, doc_type, scope, basis, table_kind, subject_code, measure, year)
    inner join comparable using (department_key, doc_type, scope, year)

),

departments as (

    select * from {{ ref("dim_department") }}

)

select
    {{ department_columns('departments') }},
    compared.table_kind,
    compared.subject_code,
    compared.subject_name,
    compared.measure,
    compared.year,
    compared.amount_wan,
    compared.year - 1 as prior_year,
    compared.prior_amount_wan,
    {{ change_wan('compared.amount_wan', 'compared.prior_amount_wan') }} as change_wan,
    {{ change_pct('compared.amount_wan', 'compared.prior_amount_wan') }} as change_pct,
    -- extras beyond the contract
    compared.classification,
    compared.subject_level,
    compared.doc_type,
    compared.scope,
    compared.basis,
    compared.document_id,
    compared.prior_document_id,
    departments.region,
    compared.department_key

from compared
inner join departments using (department_key)
