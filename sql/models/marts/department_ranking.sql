-- Departments ranked within their county and year by total expenditure and by its change on the
-- year before.  The total is the 本年支出合计 of the 收支总表 where the filing prints one, else
-- the sum of the 类 lines (level 1) of the 支出总表.  Rank 1 = largest; NULLs rank last.
with

documents as (

    -- 部门 filings only: a 单位 filing is one of the department's units, not a department
    select * from {{ ref("dim_document") }}
    where status = 'loaded' and year is not null and scope = 'department'
        {{ only_changed_counties('department_key', departments=true) }}

),

summary_totals as (

    select document_id, sum(amount_wan)::decimal(18, 6) as total_wan
    from {{ ref("fct_budget_summary") }}
    where table_kind = 'summary'
        and side = 'expense'
        and item = 'current_year_total'
        and measure = 'amount'
        {{ only_changed_counties('department_key', departments=true) }}
    group by document_id

),

line_totals as (

    select document_id, sum(amount_wan)::decimal(18, 6) as total_wan
    from {{ lines_counted_once(ref("fct_budget_line"), where="table_kind = 'expenditure' and measure = 'total'
        and subject_level = 1 and scope = 'department' " ~ only_changed_counties('department_key', departments=true)) }}
        as counted_once
    group by document_id

),

three_public_totals as (

    select document_id, sum(amount_wan)::decimal(18, 6) as three_public_wan
    from {{ ref("fct_three_public") }}
    where fund_source = 'total' and category = 'total'
        and basis = case when doc_type = 'final_accounts' then 'final' else 'budget' end
        {{ only_changed_counties('department_key', departments=true) }}
    group by document_id

),

per_department as (

    select
        documents.department_key,
        documents.doc_type,
        documents.year,
        min(documents.document_id) as document_id,
        sum(coalesce(summary_totals.total_wan, line_totals.total_wan))::decimal(18, 6) as total_wan,
        sum(three_public_totals.three_public_wan)::decimal(18, 6) as three_public_wan

    from documents
    left join summary_totals using (document_id)
    left join line_totals using (document_id)
    left join three_public_totals using (document_id)
    group by documents.department_key, documents.doc_type, documents.year

),

with_prior as (

    select
        per_department.*,
        {{ prior_year('total_wan') }} as prior_total_wan

    from per_department
    window w as (partition by department_key, doc_type order by year)

),

changes as (

    select
        {{ department_columns('departments') }},
        with_prior.*,
        {{ change_wan('with_prior.total_wan', 'with_prior.prior_total_wan') }} as change_wan,
        {{ change_pct('with_prior.total_wan', 'with_prior.prior_total_wan') }} as change_pct

    from with_prior
    inner join {{ ref("dim_department") }} as departments using (department_key)

)

select
    county,
    year,
    department_code,
    department_name,
    total_wan,
    prior_total_wan,
    change_wan,
    change_pct,
    three_public_wan,
    rank() over (peers order by total_wan desc nulls last) as rank_by_total,
    rank() over (peers order by change_wan desc nulls last) as rank_by_change,
    rank() over (peers order by change_pct desc nulls last) as rank_by_change_pct,
    count(*) over peers as n_departments,
    doc_type,
    document_id,
    department_key

from changes
window peers as (partition by county, doc_type, year)
