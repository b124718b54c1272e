-- 三公经费, one row per (document, category, fund source).
with

three_public as (

    select * from dw.fct_three_public

),

documents as (

    select * from dw.dim_document

)

select
    documents.county,
    documents.department_code,
    documents.department_name,
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
