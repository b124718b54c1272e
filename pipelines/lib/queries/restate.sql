-- The facts whose amount changed, appeared or disappeared between an older filing ($old_id) and the filing that
-- supersedes it ($new_id), appended to the ledger core.restatements (restatements.supersede_older).
-- Each relation's facts are matched on its own key columns (the others are null on both sides); amounts are
-- summed per key, so a subject printed twice counts once.
insert into core.restatements by name
with
    facts as (
        select document_id, 'budget_lines' as relation, table_kind, classification, subject_code, measure, basis,
               sum(amount_wan) as wan, sum(amount_yuan) as yuan
        from staging.budget_lines where document_id in ($old_id, $new_id) group by all
        union all by name
        select document_id, 'budget_summary' as relation, table_kind, side, item, subject_code, measure, basis,
               sum(amount_wan) as wan, sum(amount_yuan) as yuan
        from staging.budget_summary where document_id in ($old_id, $new_id) group by all
        union all by name
        select document_id, 'three_public' as relation, 'three_public' as table_kind, category,
               fund_source as measure, basis, sum(amount_wan) as wan, sum(amount_yuan) as yuan
        from staging.three_public where document_id in ($old_id, $new_id) group by all
        union all by name
        select document_id, 'projects' as relation, 'performance_target' as table_kind, project_name as item,
               'cost_wan' as measure, sum(cost_wan) as wan, null::decimal(18, 2) as yuan
        from staging.projects where document_id in ($old_id, $new_id) group by all
    ),
    o as (from facts where document_id = $old_id),
    n as (from facts where document_id = $new_id)
select
    $county as county, $department_code as department_code, $department_name as department_name,
    $year as year, $doc_type as doc_type, $scope as scope,
    $old_id as old_document_id, $new_id as new_document_id,
    coalesce(o.relation, n.relation) as relation,
    coalesce(o.table_kind, n.table_kind) as table_kind,
    coalesce(o.classification, n.classification) as classification,
    coalesce(o.side, n.side) as side,
    coalesce(o.subject_code, n.subject_code) as subject_code,
    coalesce(o.item, n.item) as item,
    coalesce(o.category, n.category) as category,
    coalesce(o.measure, n.measure) as measure,
    coalesce(o.basis, n.basis) as basis,
    case when o.wan is null then 'appeared'
         when n.wan is null then 'disappeared'
         else 'changed' end as change_kind,
    o.yuan as old_amount_yuan, n.yuan as new_amount_yuan,
    o.wan as old_amount_wan, n.wan as new_amount_wan,
    $detected_at as detected_at
from o full join n
    on o.relation = n.relation
        and o.table_kind is not distinct from n.table_kind
        and o.classification is not distinct from n.classification
        and o.side is not distinct from n.side
        and o.subject_code is not distinct from n.subject_code
        and o.item is not distinct from n.item
        and o.category is not distinct from n.category
        and o.measure is not distinct from n.measure
        and o.basis is not distinct from n.basis
where o.wan is distinct from n.wan
