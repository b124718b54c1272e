-- The two 总表 (收支总表 = summary, 财政拨款收支总表 = fiscal_summary), line by line.
with

summary as (

    select * from {{ ref("fct_budget_summary") }}

),

documents as (

    {{ documents(status=none, changed_only=true) }}

)

select
    {{ department_columns('documents') }},
    summary.year,
    summary.table_kind,
    summary.side,
    summary.item,
    summary.item_name,
    summary.subject_code,
    summary.measure,
    summary.amount_yuan,
    summary.amount_wan,
    summary.document_id,
    -- extras beyond the contract
    summary.source_table,
    summary.source_row,
    summary.source_col,
    summary.amount_text,
    summary.doc_type,
    summary.scope,
    summary.basis,
    documents.region,
    summary.department_key

from summary
inner join documents using (document_id)
