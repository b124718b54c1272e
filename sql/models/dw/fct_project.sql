-- Projects with a 绩效目标 table in loaded filings, one row per project.
with

documents as (

    {{ documents(changed_only=true) }}

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
    projects.source_table,
    projects.cost_basis,
    projects.project_code,
    projects.supervisor,
    projects.implementer,
    projects.nature,
    projects.category,
    projects.total_funds_yuan,
    projects.total_funds_wan,
    projects.annual_funds_yuan,
    projects.annual_funds_wan,
    projects.fiscal_funds_yuan,
    projects.fiscal_funds_wan,
    projects.objective,
    projects.overall_objective,
    projects.attributes

from projects
inner join documents using (document_id)
