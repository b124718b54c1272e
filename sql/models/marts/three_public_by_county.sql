-- 三公经费 by county and year (fund_source total), summed over the departments on file, with the
-- change on the year before.  n_departments says how many filings the sum covers: a county whose
-- set of filings changed between years is not comparable like for like.
with

three_public as (

    -- 部门 filings only (a 单位 filing is part of its department's) and each filing's own figures:
    -- 预算数 in a budget, 决算数 in a 决算 (whose 三公 table prints both)
    select * from {{ ref("fct_three_public") }}
    where fund_source = 'total'
        and scope = 'department'
        and basis = case when doc_type = 'final_accounts' then 'final' else 'budget' end
        {{ only_changed_counties('department_key', departments=true) }}

),

departments as (

    select department_key, county from {{ ref("dim_department") }}

),

by_county as (

    select
        departments.county,
        three_public.doc_type,
        three_public.year,
        three_public.category,
        count(distinct three_public.department_key) as n_departments,
        sum(three_public.amount_yuan)::decimal(18, 2) as amount_yuan,
        sum(three_public.amount_wan)::decimal(18, 6) as amount_wan

    from three_public
    inner join departments using (department_key)
    group by departments.county, three_public.doc_type, three_public.year, three_public.category

),

years as (

    -- departments with a 三公 table, per county and year
    select
        departments.county,
        three_public.doc_type,
        three_public.year,
        count(distinct three_public.department_key) as n_filings

    from three_public
    inner join departments using (department_key)
    group by departments.county, three_public.doc_type, three_public.year

),

spine as (

    select years.county, years.doc_type, years.year, years.n_filings, categories.category
    from years
    inner join (select distinct county, doc_type, category from by_county) as categories
        on years.county is not distinct from categories.county
        and years.doc_type = categories.doc_type

),

filled as (

    select
        spine.county,
        spine.doc_type,
        spine.year,
        spine.category,
        spine.n_filings,
        coalesce(by_county.n_departments, 0) as n_departments,
        coalesce(by_county.amount_yuan, 0) as amount_yuan,
        coalesce(by_county.amount_wan, 0) as amount_wan

    from spine
    left join by_county
        on spine.county is not distinct from by_county.county
        and spine.doc_type = by_county.doc_type
        and spine.year = by_county.year
        and spine.category = by_county.category

),

trend as (

    select
        *,
        {{ prior_year('amount_wan') }} as prior_amount_wan,
        {{ prior_year('n_filings') }} as prior_n_filings

    from filled
    window w as (partition by county, doc_type, category order by year)

)

select
    county,
    year,
    category,
    n_departments,
    n_filings,
    amount_yuan,
    amount_wan,
    prior_amount_wan,
    {{ change_wan('amount_wan', 'prior_amount_wan') }} as change_wan,
    {{ change_pct('amount_wan', 'prior_amount_wan') }} as change_pct,
    prior_n_filings,
    doc_type

from trend
