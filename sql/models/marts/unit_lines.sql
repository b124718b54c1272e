-- One row per amount of a loaded filing's rows named by spending unit (资金使用单位 / 预算单位) instead of subject
-- code: each unit's own row (item_name NULL) and the items printed under it (广东 部门预算基本支出预算表:
-- 工资福利支出 … under every unit; 收入总体情况表: income by source per unit).  The department's 合计 row of the same
-- table is in marts.budget_lines; sum the units' own rows (item_name is null) to get it back.
with

unit_lines as (

    select * from {{ source("staging", "unit_lines") }}

),

documents as (

    {{ documents(changed_only=true) }}

)

select
    {{ department_columns('documents') }},
    documents.year,
    documents.doc_type,
    documents.scope,
    unit_lines.table_kind,
    unit_lines.unit_name,
    unit_lines.item_name,
    unit_lines.measure,
    unit_lines.basis,
    unit_lines.amount_yuan,
    unit_lines.amount_wan,
    unit_lines.document_id,
    unit_lines.source_table,
    unit_lines.source_row,
    unit_lines.source_col,
    unit_lines.amount_text,
    documents.region,
    documents.department_key

from unit_lines
join documents using (document_id)
