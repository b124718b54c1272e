{#- The documents a model reads: dw.dim_document, by default only the loaded (current) filings.
    Facts keep loaded filings only; superseded and rejected ones stay in staging and core. -#}
{% macro documents(status='loaded') -%}
    select * from {{ ref('dim_document') }}
    {%- if status %}
    where status = '{{ status }}'
    {%- endif %}
{%- endmacro %}

{#- The county and department columns every mart opens with, from the documents CTE. -#}
{% macro department_columns(alias='documents') -%}
    {{ alias }}.county,
    {{ alias }}.department_code,
    {{ alias }}.department_name
{%- endmacro %}

{#- A filing's subject lines, each counted once.  A filing can print the same line (kind, code,
    measure, basis, cross-classification, unit run) in two tables: 江苏's city template prints the
    支出总表's lines again in its 财政拨款支出表 (both `expenditure`), many templates print the 基本支出表
    again as 一般公共预算基本支出表.  fct_budget_line keeps both (each traced to its table); a sum over a
    kind takes the first printed table's figure, so it does not count the line twice. -#}
{% macro lines_counted_once(relation) -%}
    (
        select * from {{ relation }}
        qualify dense_rank() over (
            partition by document_id, table_kind, classification, subject_code, measure, basis,
                cross_code, section
            order by source_table nulls first
        ) = 1
    )
{%- endmacro %}


{#- The bases that are a filing's own figures (the contract's): 预算数, 调整预算数, 决算数. A 三公 table may also
    print the year before's budget and the change on it (prior_year_budget, change_on_prior_year), which are the
    year before's filing's business and live in marts.three_public_comparisons. -#}
{% macro own_bases() -%}
    'budget', 'adjusted_budget', 'final'
{%- endmacro %}


{#- The 三公 mart's rows whose basis is (or is not) one of the filing's own: marts.three_public and
    marts.three_public_comparisons are the two halves of dw.fct_three_public, with the same columns. -#}
{% macro three_public_rows(own) -%}
with

three_public as (

    select * from {{ ref("fct_three_public") }}

),

documents as (

    {{ documents(status=none) }}

)

select
    {{ department_columns('documents') }},
    three_public.year,
    three_public.category,
    three_public.fund_source,
    three_public.amount_yuan,
    three_public.amount_wan,
    three_public.document_id,
    -- extras beyond the contract
    three_public.category_label,
    three_public.source_table,
    three_public.source_row,
    three_public.source_col,
    three_public.amount_text,
    three_public.doc_type,
    three_public.scope,
    three_public.basis,
    documents.region,
    three_public.department_key

from three_public
inner join documents using (document_id)
where three_public.basis {{ '' if own else 'not ' }}in ({{ own_bases() }})
{%- endmacro %}
