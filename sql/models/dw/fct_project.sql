-- Projects with a 绩效目标 table in loaded filings, one row per project.
with

documents as (

    {{ documents() }}

),

projects as (

    select * from {{ source("staging", "projects") }}

)

select
    projects.document_id,
    documents.department_key,
    documents.region_key,
    documents.year,
    documents.doc_type,
    projects.project_seq,
    projects.project_name,
    projects.cost_wan,
    projects.cost_text,
    projects.source_table

from projects
inner join documents using (document_id)
