-- The 绩效目标 tables, one row per indicator.
with

indicators as (

    select * from {{ ref("fct_performance_indicator") }}

),

documents as (

    {{ documents(status=none, changed_only=true) }}

)

select
    {{ department_columns('documents') }},
    indicators.year,
    indicators.project_seq,
    indicators.project_name,
    indicators.objective,
    indicators.indicator_level1,
    indicators.indicator_level2,
    indicators.indicator_level3,
    indicators.description,
    indicators.target_value,
    indicators.basis,
    indicators.classified,
    indicators.document_id,
    -- extras beyond the contract
    indicators.source_table,
    indicators.source_row,
    indicators.doc_type,
    documents.region,
    indicators.department_key

from indicators
inner join documents using (document_id)
