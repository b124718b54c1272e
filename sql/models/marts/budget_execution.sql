-- Budget against outturn (执行率): one row per (county, department, scope, year, table_kind,
-- subject_code or category, measure) that a loaded 决算 reports.  final_wan is the 决算数;
-- budget_wan is the budget the 决算 filing printed itself where it prints one (budget_source
-- 'final_accounts', e.g. the 三公 table's 预算数 column), else the same key in that year's loaded
-- budget filing of the same department and scope (budget_source 'budget'), else NULL.
-- A key the 决算 prints a budget for but leaves the 决算数 blank is a row with final_wan 0
-- (final_printed false): a 决算 reports the whole year, so a blank outturn beside a printed
-- budget means nothing was spent (the narrative of such filings says "完成预算的0%").
-- execution_pct = final / budget × 100, NULL where the budget is 0 or unknown.
with

documents as (

    select document_id, department_key, year, doc_type, scope
    from {{ ref("dim_document") }}
    where status = 'loaded' and year is not null {{ only_changed_departments() }}

),

-- the filings a row of this mart reads: every loaded 决算, and the loaded budget filings of the same
-- department, year and scope as one (the others meet no 决算: reading them would only cost time)
read_filings as (

    select document_id
    from {{ ref("dim_document") }}
    where status = 'loaded' and doc_type = 'final_accounts' {{ only_changed_departments() }}

    union all

    select budgets.document_id
    from {{ ref("dim_document") }} as budgets
    semi join (
        select department_key, year, scope from {{ ref("dim_document") }}
        where status = 'loaded' and doc_type = 'final_accounts'
    ) as finals using (department_key, year, scope)
    where budgets.status = 'loaded' and budgets.doc_type = 'budget' {{ only_changed_departments('budgets.department_key') }}

),

-- every fact of those filings, in one shape: the key is (table_kind, subject_code, side, item,
-- category, measure); side and item are set for the 总表 lines, category for 三公
facts as (

    select
        document_id, department_key, year, doc_type, scope, basis, table_kind,
        subject_code, min(subject_name) as subject_name, null::varchar as side,
        null::varchar as item, null::varchar as category, measure, sum(amount_wan) as amount_wan
    from {{ lines_counted_once(ref("fct_budget_line"), where="subject_code is not null
        and document_id in (select document_id from read_filings)") }} as counted_once
    group by document_id, department_key, year, doc_type, scope, basis, table_kind, subject_code, measure

    union all by name

    select
        document_id, department_key, year, doc_type, scope, basis, table_kind,
        subject_code, min(item_name) as subject_name, side, item, null::varchar as category,
        measure, sum(amount_wan) as amount_wan
    from {{ ref("fct_budget_summary") }}
    where document_id in (select document_id from read_filings)
    group by all

    union all by name

    select
        document_id, department_key, year, doc_type, scope, basis, 'three_public' as table_kind,
        null::varchar as subject_code, min(category_label) as subject_name,
        null::varchar as side, null::varchar as item, category, fund_source as measure, sum(amount_wan) as amount_wan
    from {{ ref("fct_three_public") }}
    where document_id in (select document_id from read_filings)
    group by all

),

final_accounts as (

    select * from facts where doc_type = 'final_accounts'

),

-- the keys of every loaded 决算, with its outturn and the budget it printed beside it
outturn as (

    select
        document_id,
        department_key,
        year,
        scope,
        table_kind,
        subject_code,
        side,
        item,
        category,
        measure,
        min(subject_name) as subject_name,
        sum(amount_wan) filter (where basis = 'final') as final_wan,
        sum(amount_wan) filter (where basis = 'budget') as printed_budget_wan,
        sum(amount_wan) filter (where basis = 'adjusted_budget') as adjusted_budget_wan

    from final_accounts
    group by document_id, department_key, year, scope, table_kind, subject_code, side, item, category, measure

),

budget_filings as (

    select
        document_id as budget_document_id,
        department_key,
        year,
        scope,
        table_kind,
        subject_code,
        side,
        item,
        category,
        measure,
        sum(amount_wan) as budget_wan

    from facts
    where doc_type = 'budget' and basis = 'budget'
    group by all

),

joined as (

    select
        outturn.*,
        budget_filings.budget_document_id,
        budget_filings.budget_wan as filed_budget_wan,
        exists (
            select 1 from documents as b
            where b.doc_type = 'budget'
                and b.department_key = outturn.department_key
                and b.year = outturn.year
                and b.scope = outturn.scope
        ) as budget_filing_loaded

    from outturn
    left join budget_filings
        on outturn.department_key = budget_filings.department_key
        and outturn.year = budget_filings.year
        and outturn.scope = budget_filings.scope
        and outturn.table_kind = budget_filings.table_kind
        and outturn.subject_code is not distinct from budget_filings.subject_code
        and outturn.side is not distinct from budget_filings.side
        and outturn.item is not distinct from budget_filings.item
        and outturn.category is not distinct from budget_filings.category
        and outturn.measure = budget_filings.measure
    where outturn.final_wan is not null or outturn.printed_budget_wan is not null

),

execution as (

    select
        *,
        coalesce(final_wan, 0)::decimal(18, 6) as final_amount_wan,
        case
            when printed_budget_wan is not null then printed_budget_wan
            when filed_budget_wan is not null then filed_budget_wan
            -- the budget filing is loaded but does not print this key: nothing was budgeted
            when budget_filing_loaded then 0
        end::decimal(18, 6) as budget_amount_wan,
        case
            when printed_budget_wan is not null then 'final_accounts'
            when filed_budget_wan is not null or budget_filing_loaded then 'budget'
        end as budget_source

    from joined

),

departments as (

    select * from {{ ref("dim_department") }}

)

select
    {{ department_columns('departments') }},
    execution.scope,
    execution.year,
    execution.table_kind,
    execution.subject_code,
    execution.category,
    execution.measure,
    execution.budget_amount_wan as budget_wan,
    execution.final_amount_wan as final_wan,
    case
        when execution.budget_amount_wan is null or execution.budget_amount_wan = 0 then null
        else round(execution.final_amount_wan * 100 / execution.budget_amount_wan, 2)
    end::decimal(18, 2) as execution_pct,
    execution.budget_source,
    -- extras beyond the contract
    execution.side,
    execution.item,
    execution.subject_name,
    (execution.final_amount_wan - execution.budget_amount_wan)::decimal(18, 6) as gap_wan,
    execution.adjusted_budget_wan::decimal(18, 6) as adjusted_budget_wan,
    execution.final_wan is not null as final_printed,
    execution.document_id,
    execution.budget_document_id,
    departments.region,
    execution.department_key

from execution
inner join departments using (department_key)
