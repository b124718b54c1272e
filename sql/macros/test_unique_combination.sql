{#- Grain test: no two rows share the same values of `columns` (NULLs compare equal, as in GROUP BY).
    Like dbt_utils.unique_combination_of_columns, written here because dbt packages are not installed
    (no `dbt deps`: the project runs offline). Fails with one row per duplicated key. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
