-- One row per project with a 绩效目标 table; cost_wan is parsed from the 成本指标 value, or where
-- none prints an amount, the form's 年度资金申请总额 / 项目资金总额 (cost_basis says which; NULL where none or 涉密).
with

projects as (

    select * from {{ ref("fct_project") }}

),

documents as (

    {{ documents(status=none, changed_only=true) }}

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
    projects.department_key,
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
