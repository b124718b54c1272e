-- 绩效目标 indicators of loaded filings, one row per indicator.
with

documents as (

    {{ documents(changed_only=true) }}

),

indicators as (

    select * from {{ source("staging", "performance_indicators") }}

)

select
    indicators.document_id,
    documents.department_key,
    documents.region_key,
    documents.year,
    documents.doc_type,
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
    indicators.source_table,
    indicators.source_row

from indicators
inner join documents using (document_id)
