{#- The documents a model reads: dw.dim_document, by default only the loaded (current) filings.
    Facts keep loaded filings only; superseded and rejected ones stay in staging and core. -#}
{% macro documents(status='loaded', changed_only=false) -%}
    select * from {{ ref('dim_document') }}
    where {% if status %}status = '{{ status }}'{% else %}true{% endif %}
    {%- if changed_only %} {{ only_changed_departments() }}{% endif %}
{%- endmacro %}

{#- Incremental models (docs/warehouse.md, "Incremental build"): a model whose every row belongs to one
    department (it has department_key) and is computed from that department's filings only may read through
    this filter.  dbt compiles it to nothing: `dbt build` builds the whole model.  The ingest's runner
    (pipelines.lib.model_runs) compiles the project with var `yusuan_incremental` and keeps each filter
    between two markers: it deletes the rows of the departments a batch touched and inserts them again from
    the filtered select (the departments in temp table yusuan_changed_departments), or strips the filters
    (between the markers) for a full build — the same select dbt builds. -#}
{% macro only_changed_departments(column='department_key') -%}
    {%- if var('yusuan_incremental', false) -%}
    /*<changed departments>*/ and {{ column }} in (select department_key from temp.main.yusuan_changed_departments) /*</changed departments>*/
    {%- endif -%}
{%- endmacro %}

{#- County-incremental models (docs/warehouse.md, "Incremental build"): a model whose every row belongs to one
    county (it has county) and is computed from that county's departments only — a ranking or a sum across a
    county's departments — may read through this filter, on the county column, or with `departments=true` on
    department_key (the departments of those counties).  Like only_changed_departments it compiles to nothing in
    `dbt build`; the runner deletes the rows of the counties of the departments a batch touched (temp table
    yusuan_changed_counties; a county printed as nothing is '∅') and inserts them again from the filtered select. -#}
{% macro only_changed_counties(column='county', departments=false) -%}
    {%- if var('yusuan_incremental', false) -%}
    {%- if departments -%}
    /*<changed counties>*/ and {{ column }} in (select department_key from {{ ref('dim_department') }} where coalesce(county, '∅') in (select county from temp.main.yusuan_changed_counties)) /*</changed counties>*/
    {%- else -%}
    /*<changed counties>*/ and coalesce({{ column }}, '∅') in (select county from temp.main.yusuan_changed_counties) /*</changed counties>*/
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The county and department columns every mart opens with, from the documents CTE. -#}
{% macro department_columns(alias='documents') -%}
    {{ alias }}.county,
    {{ alias }}.department_code,
    {{ alias }}.department_name
{%- endmacro %}

{#- A filing's subject lines, each counted once, summed: one row per line of a filing (document, table_kind,
    classification, subject_code, measure, basis, cross-classification, unit run) with its amount.  A filing can
    print the same line in two tables: 江苏's city template prints the 支出总表's lines again in its 财政拨款支出表
    (both `expenditure`), many templates print the 基本支出表 again as 一般公共预算基本支出表.  fct_budget_line keeps
    both (each traced to its table); a sum over a kind takes the first printed table's figure (a table with no
    number first), so it does not count the line twice.  `where` filters the fact rows first: it may name the
    line's own columns and the filing's (document_id, department_key, year, doc_type, scope, subject_level).
    Written for speed (docs/scaling.md): one aggregate counts the lines printed in one table only, nearly all of
    them; only the few printed in two or more tables are summed again over their first table — the same rows as
    `qualify dense_rank() over (partition by the line order by source_table nulls first) = 1`, without a window
    over every line. -#}
{% macro lines_counted_once(relation, where='true') -%}
    (
        with in_tables as (

            select
                document_id, department_key, year, doc_type, scope, table_kind, classification, subject_code,
                subject_level, measure, basis, cross_code, section, subject_name, amount_wan,
                coalesce(source_table::bigint, -2147483649) as table_order  -- a table with no number first
            from {{ relation }}
            where {{ where }}

        ),

        per_line as (

            select
                document_id, department_key, year, doc_type, scope, table_kind, classification, subject_code,
                subject_level, measure, basis, cross_code, section,
                min(table_order) as first_table,
                max(table_order) as last_table,
                min(subject_name) as subject_name,
                sum(amount_wan) as amount_wan
            from in_tables
            group by all

        )

        select * exclude (first_table, last_table) from per_line where first_table = last_table

        union all

        select
            in_tables.document_id, in_tables.department_key, in_tables.year, in_tables.doc_type, in_tables.scope,
            in_tables.table_kind, in_tables.classification, in_tables.subject_code, in_tables.subject_level,
            in_tables.measure, in_tables.basis, in_tables.cross_code, in_tables.section,
            min(in_tables.subject_name) as subject_name,
            sum(in_tables.amount_wan) as amount_wan
        from in_tables
        inner join per_line
            on in_tables.document_id = per_line.document_id
            and in_tables.table_kind is not distinct from per_line.table_kind
            and in_tables.classification is not distinct from per_line.classification
            and in_tables.subject_code is not distinct from per_line.subject_code
            and in_tables.measure is not distinct from per_line.measure
            and in_tables.basis is not distinct from per_line.basis
            and in_tables.cross_code is not distinct from per_line.cross_code
            and in_tables.section is not distinct from per_line.section
            and in_tables.table_order = per_line.first_table
        where per_line.first_table <> per_line.last_table
        group by all
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

    {{ documents(status=none, changed_only=true) }}

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
