{#- Models go to the schema their folder names (dw, marts), not "<target schema>_dw":
    the warehouse's schemas are the contract's, and analysts query dw.* and marts.* by name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{- (custom_schema_name or target.schema) | trim -}}
{%- endmacro %}
