-- 三公经费 of loaded filings, one row per (document, category, fund source).
with

documents as (

    {{ documents(changed_only=true) }}

),

three_public as (

    select * from {{ source("staging", "three_public") }}

)

select
    three_public.document_id,
    documents.department_key,
    documents.region_key,
    documents.year,
    documents.doc_type,
    documents.scope,
    three_public.category,
    three_public.category_label,
    three_public.fund_source,
    three_public.basis,
    three_public.amount_yuan,
    three_public.amount_wan,
    three_public.amount_text,
    three_public.source_table,
    three_public.source_row,
    three_public.source_col

from three_public
inner join documents using (document_id)
