-- 三公经费 a filing prints for comparison beside its own: the year before's budget (basis prior_year_budget) and
-- the change on it (change_on_prior_year), as printed (西安 上年 | 增减变化情况 columns, 深圳 2025年 | 增减变化金额
-- rows, 重庆/烟台 2025年预算数). Beyond the contract; marts.three_public holds the filing's own figures.
with

three_public as (

    select * from {{ ref("fct_three_public") }}

),

documents as (

    {{ documents(status=none) }}

)

select
    {{ department_columns('documents') }},
    three_public.year,
    three_public.category,
    three_public.fund_source,
    three_public.amount_yuan,
    three_public.amount_wan,
    three_public.document_id,
    -- extras beyond the contract
    three_public.category_label,
    three_public.source_table,
    three_public.source_row,
    three_public.source_col,
    three_public.amount_text,
    three_public.doc_type,
    three_public.scope,
    three_public.basis,
    documents.region,
    three_public.department_key

from three_public
inner join documents using (document_id)
where three_public.basis not in ({{ own_bases() }})
