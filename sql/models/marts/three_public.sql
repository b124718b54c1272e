-- 三公经费, one row per (document, category, fund source, basis): the filing's own figures only (the contract's
-- bases budget | adjusted_budget | final). The year before's budget and the change on it, which some templates
-- print beside the year's own figures, are in marts.three_public_comparisons, so that summing this relation
-- never adds them in.
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
where three_public.basis in ({{ own_bases() }})
