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
