-- One row per project with a 绩效目标 table; cost_wan is parsed from the 成本指标 value
-- (NULL where none or 涉密).
with

projects as (

    select * from {{ ref("fct_project") }}

),

documents as (

    {{ documents(status=none) }}

)

select
    {{ department_columns('documents') }},
    projects.year,
    projects.project_seq,
    projects.project_name,
    projects.cost_wan,
    projects.document_id,
    -- extras beyond the contract
    projects.cost_text,
    projects.source_table,
    projects.doc_type,
    documents.region,
    projects.department_key

from projects
inner join documents using (document_id)
