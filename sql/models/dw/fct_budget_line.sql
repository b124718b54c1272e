-- Subject-coded amounts of loaded filings, one row per (document, table, subject, measure), with
-- the keys of the star schema.  Superseded and rejected filings stay in staging only.
with

documents as (

    {{ documents(changed_only=true) }}

),

lines as (

    select * from {{ source("staging", "budget_lines") }}

),

subjects as (

    select subject_key, classification, subject_code from {{ ref("dim_subject") }}

)

select
    lines.document_id,
    documents.department_key,
    documents.region_key,
    documents.year,
    documents.doc_type,
    documents.scope,
    subjects.subject_key,
    lines.table_kind,
    lines.classification,
    lines.subject_code,
    lines.subject_name,
    lines.subject_level,
    lines.parent_code,
    lines.measure,
    lines.basis,
    lines.amount_yuan,
    lines.amount_wan,
    lines.amount_text,
    lines.source_table,
    lines.source_row,
    lines.source_col,
    lines.cross_code,
    lines.cross_name,
    lines.section,
    lines.section_name

from lines
inner join documents using (document_id)
left join subjects
    on lines.classification = subjects.classification
    and lines.subject_code = subjects.subject_code
