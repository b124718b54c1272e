-- A filing published as two files (a tables file and a narrative file, core.documents.part = 'narrative'):
-- what the narrative states, checked against the tables file of the same county, department (aliases joined,
-- dw.dim_document.department_key) and year — whichever of the two was loaded first.
with

narratives as (

    select * from dw.dim_document
    where status = 'loaded' and part = 'narrative'

),

tables_files as (

    select * from dw.dim_document
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

    select * from staging.narrative_figures

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
    from staging.budget_summary
    where table_kind = 'summary' and measure = 'amount'
    group by document_id, side

),

three as (

    select
        document_id,
        case category when 'subtotal' then 'three_public_total' else category end as figure,
        max(amount_wan) as table_wan,
        '“三公”经费表 ' || max(category_label) as printed_as
    from staging.three_public
    where fund_source = 'total'
        and category in ('subtotal', 'overseas_travel', 'vehicles', 'vehicle_purchase', 'vehicle_operation',
                         'reception', 'office_operation')
    group by document_id, category

),

table_figures as (

    select * from summary
    union all
    select * from three

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
