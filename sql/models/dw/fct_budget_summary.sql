-- The two 总表 of loaded filings, line by line.
with

documents as (

    {{ documents(changed_only=true) }}

),

summary as (

    select * from {{ source("staging", "budget_summary") }}

)

select
    summary.document_id,
    documents.department_key,
    documents.region_key,
    documents.year,
    documents.doc_type,
    documents.scope,
    summary.table_kind,
    summary.side,
    summary.item,
    summary.item_name,
    summary.subject_code,
    summary.measure,
    summary.basis,
    summary.amount_yuan,
    summary.amount_wan,
    summary.amount_text,
    summary.source_table,
    summary.source_row,
    summary.source_col

from summary
inner join documents using (document_id)
