-- One row per line of a loaded filing's 政府采购预算表 (the 合计 row flagged, not dropped: procurement tables
-- print group lines and their parts, so sum rows where is_total, or the leaves you choose).
with

procurement as (

    select * from {{ source("staging", "procurement") }}

),

documents as (

    {{ documents(changed_only=true) }}

)

select
    {{ department_columns('documents') }},
    documents.year,
    documents.scope,
    procurement.item,
    procurement.is_total,
    procurement.amount_yuan,
    procurement.amount_wan,
    procurement.document_id,
    procurement.source_table,
    procurement.source_row,
    procurement.amount_text,
    documents.region,
    documents.department_key

from procurement
join documents using (document_id)
