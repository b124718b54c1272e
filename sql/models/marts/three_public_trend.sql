-- 三公经费 by department and year (fund_source total), with the change on the year before.  Every
-- year with a 三公 table shows every category the department ever printed, 0 where blank that year;
-- prior_amount_wan is NULL where the year before has no 三公 table on file.
-- Like is compared with like: the same doc_type, scope and basis in both years (a 决算's 预算数 and
-- 决算数 columns are two series; a 单位 filing is never compared with its 部门 filing).
with

three_public as (

    select
        department_key,
        doc_type,
        scope,
        basis,
        category,
        year,
        min(document_id) as document_id,
        sum(amount_yuan)::decimal(18, 2) as amount_yuan,
        sum(amount_wan)::decimal(18, 6) as amount_wan

    from {{ ref("fct_three_public") }}
    -- the filing's own figures: the year before's budget and the change printed beside them are series of
    -- another year (each year's 三公 comes from its own filing, the change is computed below)
    where fund_source = 'total' and basis in ({{ own_bases() }}) {{ only_changed_departments() }}
    group by department_key, doc_type, scope, basis, category, year

),

years as (

    select distinct department_key, doc_type, scope, basis, year from three_public

),

categories as (

    select distinct department_key, doc_type, scope, basis, category from three_public

),

spine as (

    select
        categories.department_key,
        categories.doc_type,
        categories.scope,
        categories.basis,
        categories.category,
        years.year
    from categories
    inner join years using (department_key, doc_type, scope, basis)

),

filled as (

    select
        spine.*,
        three_public.document_id,
        coalesce(three_public.amount_yuan, 0) as amount_yuan,
        coalesce(three_public.amount_wan, 0) as amount_wan

    from spine
    left join three_public using (department_key, doc_type, scope, basis, category, year)

),

trend as (

    select
        *,
        {{ prior_year('amount_wan') }} as prior_amount_wan

    from filled
    window w as (partition by department_key, doc_type, scope, basis, category order by year)

),

departments as (

    select * from {{ ref("dim_department") }}

)

select
    {{ department_columns('departments') }},
    trend.year,
    trend.category,
    trend.amount_wan,
    trend.prior_amount_wan,
    {{ change_wan('trend.amount_wan', 'trend.prior_amount_wan') }} as change_wan,
    {{ change_pct('trend.amount_wan', 'trend.prior_amount_wan') }} as change_pct,
    -- extras beyond the contract
    trend.amount_yuan,
    trend.doc_type,
    trend.scope,
    trend.basis,
    trend.document_id,
    departments.region,
    trend.department_key

from trend
inner join departments using (department_key)
