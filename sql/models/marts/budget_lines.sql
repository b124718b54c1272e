-- Subject-coded amounts, one row per (document, table, subject, measure); loaded filings only.
-- Every level is stored (类, 款, 项): sum one subject_level at a time.
with

lines as (

    select * from {{ ref("fct_budget_line") }}

),

documents as (

    {{ documents(status=none, changed_only=true) }}

)

select
    {{ department_columns('documents') }},
    lines.year,
    lines.table_kind,
    lines.classification,
    lines.subject_code,
    lines.subject_name,
    lines.subject_level,
    lines.measure,
    lines.amount_yuan,
    lines.amount_wan,
    lines.document_id,
    lines.source_table,
    lines.source_row,
    -- extras beyond the contract
    lines.source_col,
    lines.cross_code,
    lines.cross_name,
    lines.section,
    lines.section_name,
    lines.amount_text,
    lines.parent_code,
    lines.doc_type,
    lines.scope,
    lines.basis,
    documents.region,
    lines.department_key

from lines
inner join documents using (document_id)
