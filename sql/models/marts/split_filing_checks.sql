-- A filing published as two files (a tables file and a narrative file, core.documents.part = 'narrative'):
-- what the narrative states, checked against the tables file of the same county, department (aliases joined,
-- dw.dim_document.department_key) and year — whichever of the two was loaded first.
with

narratives as (

    select * from {{ ref("dim_document") }}
    where status = 'loaded' and part = 'narrative'

),

tables_files as (

    select * from {{ ref("dim_document") }}
    where status = 'loaded' and part is null

),

pairs as (

    select
        n.document_id as narrative_document_id,
        t.document_id as tables_document_id,
        n.county,
        t.department_name,
        n.year
    from narratives n
    join tables_files t
        on t.department_key = n.department_key and t.year = n.year and t.doc_type = n.doc_type

),

stated as (

    select * from {{ source("staging", "narrative_figures") }}

),

summary as (

    select
        document_id,
        case side when 'income' then 'income_total' else 'expense_total' end as figure,
        coalesce(
            max(amount_wan) filter (where item = 'current_year_total'),
            max(amount_wan) filter (where item = 'grand_total')
        ) as table_wan,
        case side when 'income' then '收支总表 本年收入合计' else '收支总表 本年支出合计' end as printed_as
    from {{ source("staging", "budget_summary") }}
    where table_kind = 'summary' and measure = 'amount'
    group by document_id, side

),

three as (

    -- the 三公 sum: its 小计, else the table's total (a table whose only sum is the 三公 sum prints it as its total;
    -- checks_narrative reads it the same way)
    select
        document_id,
        case when category in ('subtotal', 'total') then 'three_public_total' else category end as figure,
        coalesce(max(amount_wan) filter (where category = 'subtotal'), max(amount_wan)) as table_wan,
        '“三公”经费表 ' || coalesce(max(category_label) filter (where category = 'subtotal'), max(category_label))
            as printed_as
    from {{ source("staging", "three_public") }}
    where fund_source = 'total'
        and category in ('subtotal', 'total', 'overseas_travel', 'vehicles', 'vehicle_purchase', 'vehicle_operation',
                         'reception', 'office_operation')
    group by document_id, figure

),

own_basis as (

    -- the figures a narrative speaks of: a 决算's outturn, a 预算's budget
    select document_id, case doc_type when 'final_accounts' then 'final' else 'budget' end as basis
    from {{ ref("dim_document") }}

),

fiscal as (

    -- one fund's spending (or all of it) in the 财政拨款收支总表, as checks_narrative reads it
    select
        document_id,
        measure,
        coalesce(
            max(amount_wan) filter (where item = 'current_year_total'),
            max(amount_wan) filter (where item = 'grand_total')
        ) as table_wan
    from {{ source("staging", "budget_summary") }}
    join own_basis using (document_id, basis)
    where table_kind = 'fiscal_summary' and side = 'expense'
        and measure in ('total', 'general_public', 'gov_fund', 'soe_capital')
    group by document_id, measure

),

fund_lines as (

    -- where the 财政拨款收支总表 prints no column for a fund (江苏: by kind of spending only), the fund's own 支出表:
    -- the sum of its 类 lines in its first table by function (its 合计 row is read and checked, not stored)
    select
        document_id,
        case table_kind
            when 'general_public_expenditure' then 'general_public'
            when 'gov_fund_expenditure' then 'gov_fund'
            else 'soe_capital'
        end as measure,
        source_table,
        amount_wan,
        min(source_table) over (partition by document_id, table_kind) as first_table
    from {{ source("staging", "budget_lines") }}
    join own_basis using (document_id, basis)
    where table_kind in ('general_public_expenditure', 'gov_fund_expenditure', 'soe_capital_expenditure')
        and classification = 'function' and subject_level = 1 and measure = 'total'
        and section is null and cross_code is null

),

funds as (

    select
        coalesce(fiscal.document_id, fund_tables.document_id) as document_id,
        case coalesce(fiscal.measure, fund_tables.measure)
            when 'total' then 'fiscal_expense_total'
            else coalesce(fiscal.measure, fund_tables.measure) || '_expense'
        end as figure,
        coalesce(fiscal.table_wan, fund_tables.table_wan) as table_wan,
        case coalesce(fiscal.measure, fund_tables.measure)
            when 'total' then '财政拨款收支总表 支出合计'
            when 'general_public' then '一般公共预算支出合计'
            when 'gov_fund' then '政府性基金预算支出合计'
            else '国有资本经营预算支出合计'
        end || case when fiscal.table_wan is null then ', the sum of its 类 lines' else '' end as printed_as
    from (select * from fiscal where table_wan is not null) as fiscal
    full join (
        select document_id, measure, cast(sum(amount_wan) as decimal(18, 6)) as table_wan
        from fund_lines
        where source_table = first_table
        group by document_id, measure
    ) as fund_tables
        on fund_tables.document_id = fiscal.document_id and fund_tables.measure = fiscal.measure

),

office as (

    -- 机关运行经费 printed as a table of its own (江苏 2019 公开12表), where the 三公 table does not carry it: the sum
    -- of its 类 lines
    select
        document_id,
        'office_operation' as figure,
        cast(sum(amount_wan) as decimal(18, 6)) as table_wan,
        '机关运行经费表, the sum of its 类 lines' as printed_as
    from {{ source("staging", "budget_lines") }}
    join own_basis using (document_id, basis)
    where table_kind = 'office_operation' and subject_level = 1 and measure = 'total'
        and section is null and cross_code is null
        and document_id not in (select document_id from three where figure = 'office_operation')
    group by document_id

),

table_figures as (

    select * from summary
    union all
    select * from three
    union all
    select * from funds
    union all
    select * from office

)

select
    pairs.county,
    pairs.department_name,
    pairs.year,
    pairs.narrative_document_id,
    pairs.tables_document_id,
    stated.figure,
    stated.stated_wan,
    table_figures.table_wan,
    cast(stated.stated_wan - table_figures.table_wan as decimal(18, 6)) as difference_wan,
    abs(stated.stated_wan - table_figures.table_wan) <= 0.005 as agrees,
    'the narrative says ' || cast(stated.stated_wan as varchar) || ' 万元, the table prints '
        || cast(table_figures.table_wan as varchar) || ' 万元 (' || table_figures.printed_as || ')' as message,
    stated.sentence

from pairs
join stated on stated.document_id = pairs.narrative_document_id
join table_figures
    on table_figures.document_id = pairs.tables_document_id and table_figures.figure = stated.figure
