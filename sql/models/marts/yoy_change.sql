-- Year over year per department, table, subject and measure.  A year is compared with the year
-- before only where the department has a loaded filing for both years; a subject printed in only
-- one of the two counts as 0 on the other side, so new and dropped subjects both show.
-- change_pct is NULL where the prior amount is 0 (a new subject): no division by zero.
-- Like is compared with like: the same doc_type (预算 / 决算), scope (部门 / 单位) and basis
-- (预算数 / 调整预算数 / 决算数) in both years — a 决算 is never compared with a 预算.
--
-- Written for speed over a million lines (docs/scaling.md): the long text keys (document_id, the
-- hashed department_key) become small integers first; the lines are counted once as macro
-- lines_counted_once counts them, but with one aggregate (a line printed in one table only, nearly
-- all of them, needs nothing more); and each year meets the year before in one LAG/LEAD window
-- instead of a full join of every line with every line of the year before.
with

filings as (

    -- a department's loaded filings of one doc_type and scope (a series) in one year
    select
        department_key,
        doc_type,
        scope,
        year,
        dense_rank() over (order by department_key, doc_type, scope) as series_no

    from (
        select distinct department_key, doc_type, scope, year
        from {{ ref("dim_document") }}
        where status = 'loaded' and year is not null {{ only_changed_departments() }}
    ) as filed

),

comparable as (

    -- the years of a series that have the year before on file
    select cur.series_no, cur.year
    from filings as cur
    inner join filings as prior
        on cur.series_no = prior.series_no
        and prior.year = cur.year - 1

),

documents as (

    select
        documents.document_id,
        row_number() over (order by documents.document_id) as document_no,
        filings.series_no,
        filings.year

    from {{ ref("dim_document") }} as documents
    inner join filings using (department_key, doc_type, scope, year)
    where documents.status = 'loaded'

),

facts as (

    select
        documents.document_no,
        lines.table_kind,
        lines.classification,
        lines.subject_code,
        lines.measure,
        lines.basis,
        lines.cross_code,
        lines.section,
        coalesce(lines.source_table::bigint, -2147483649) as table_order,  -- nulls first
        lines.subject_name,
        lines.subject_level,
        lines.amount_wan

    from {{ ref("fct_budget_line") }} as lines
    inner join documents using (document_id)
    where lines.subject_code is not null

),

per_line as (

    -- lines_counted_once's partition: one line of a filing, in however many tables it is printed
    select
        document_no,
        table_kind,
        classification,
        subject_code,
        measure,
        basis,
        cross_code,
        section,
        min(table_order) as first_table,
        max(table_order) as last_table,
        min(subject_name) as subject_name,
        min(subject_level) as subject_level,
        sum(amount_wan) as amount_wan

    from facts
    group by document_no, table_kind, classification, subject_code, measure, basis, cross_code, section

),

printed_twice as (

    -- the (few) lines printed in two or more tables: only the first printed table counts
    select
        facts.document_no,
        facts.table_kind,
        facts.classification,
        facts.subject_code,
        facts.measure,
        facts.basis,
        facts.cross_code,
        facts.section,
        min(facts.subject_name) as subject_name,
        min(facts.subject_level) as subject_level,
        sum(facts.amount_wan) as amount_wan

    from facts
    inner join per_line
        on facts.document_no = per_line.document_no
        and facts.table_kind = per_line.table_kind
        and facts.classification is not distinct from per_line.classification
        and facts.subject_code = per_line.subject_code
        and facts.measure = per_line.measure
        and facts.basis = per_line.basis
        and facts.cross_code is not distinct from per_line.cross_code
        and facts.section is not distinct from per_line.section
        and facts.table_order = per_line.first_table
    where per_line.first_table <> per_line.last_table
    group by
        facts.document_no, facts.table_kind, facts.classification, facts.subject_code, facts.measure,
        facts.basis, facts.cross_code, facts.section

),

counted_once as (

    select document_no, table_kind, classification, subject_code, measure, basis, subject_name,
        subject_level, amount_wan
    from per_line
    where first_table = last_table

    union all

    select document_no, table_kind, classification, subject_code, measure, basis, subject_name,
        subject_level, amount_wan
    from printed_twice

),

lines as (

    -- a filing's lines summed per table, subject, measure and basis
    select
        documents.series_no,
        documents.year,
        basis,
        table_kind,
        subject_code,
        measure,
        min(classification) as classification,
        min(subject_name) as subject_name,
        min(subject_level) as subject_level,
        min(document_no) as document_no,
        sum(amount_wan)::decimal(18, 6) as amount_wan

    from counted_once
    inner join documents using (document_no)
    group by documents.series_no, documents.year, basis, table_kind, subject_code, measure

),

sequenced as (

    select
        *,
        lag(year) over series = year - 1 as prior_printed,
        lead(year) over series = year + 1 as next_printed,
        lag(classification) over series as prior_classification,
        lag(subject_name) over series as prior_subject_name,
        lag(subject_level) over series as prior_subject_level,
        lag(document_no) over series as prior_document_no,
        lag(amount_wan) over series as prior_amount_wan

    from lines
    window series as (partition by series_no, basis, table_kind, subject_code, measure order by year)

),

compared as (

    -- a line printed this year, against the year before's (0 where it was not printed then)
    select
        series_no,
        basis,
        table_kind,
        subject_code,
        measure,
        year,
        coalesce(classification, case when prior_printed then prior_classification end) as classification,
        coalesce(subject_name, case when prior_printed then prior_subject_name end) as subject_name,
        coalesce(subject_level, case when prior_printed then prior_subject_level end) as subject_level,
        document_no,
        case when prior_printed then prior_document_no end as prior_document_no,
        coalesce(amount_wan, 0) as amount_wan,
        coalesce(case when prior_printed then prior_amount_wan end, 0) as prior_amount_wan

    from sequenced
    semi join comparable using (series_no, year)

    union all

    -- a line printed the year before and not this year: dropped, 0 this year
    select
        series_no,
        basis,
        table_kind,
        subject_code,
        measure,
        year + 1 as year,
        classification,
        subject_name,
        subject_level,
        null as document_no,
        document_no as prior_document_no,
        0 as amount_wan,
        coalesce(amount_wan, 0) as prior_amount_wan

    from sequenced
    where next_printed is not true
        and (series_no, year + 1) in (select (series_no, year) from comparable)

),

series as (

    select distinct series_no, department_key, doc_type, scope from filings

),

departments as (

    select * from {{ ref("dim_department") }}

)

select
    {{ department_columns('departments') }},
    compared.table_kind,
    compared.subject_code,
    compared.subject_name,
    compared.measure,
    compared.year,
    compared.amount_wan,
    compared.year - 1 as prior_year,
    compared.prior_amount_wan,
    {{ change_wan('compared.amount_wan', 'compared.prior_amount_wan') }} as change_wan,
    {{ change_pct('compared.amount_wan', 'compared.prior_amount_wan') }} as change_pct,
    -- extras beyond the contract
    compared.classification,
    compared.subject_level,
    series.doc_type,
    series.scope,
    compared.basis,
    current_document.document_id,
    prior_document.document_id as prior_document_id,
    departments.region,
    series.department_key

from compared
inner join series using (series_no)
inner join departments using (department_key)
left join documents as current_document on compared.document_no = current_document.document_no
left join documents as prior_document on compared.prior_document_no = prior_document.document_no
