{#- Year over year: the value of the year before, only where the year before is the row just before
    in the window (a gap of a year compares with nothing, NULL). The window must order by year. -#}
{% macro prior_year(value, window='w', year='year') -%}
    case when lag({{ year }}) over {{ window }} = {{ year }} - 1 then lag({{ value }}) over {{ window }} end
{%- endmacro %}

{#- Change in percent with 2 decimals; NULL where the prior amount is 0 (no division by zero). -#}
{% macro change_pct(current, prior) -%}
    case
        when {{ prior }} = 0 then null
        else round(({{ current }} - {{ prior }}) * 100 / {{ prior }}, 2)
    end::decimal(18, 2)
{%- endmacro %}

{#- Change in 万元, exact. -#}
{% macro change_wan(current, prior) -%}
    ({{ current }} - {{ prior }})::decimal(18, 6)
{%- endmacro %}
