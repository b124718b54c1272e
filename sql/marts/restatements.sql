-- What changed when a filing was replaced: the loader appends to core.restatements in the same
-- transaction that marks the old filing superseded; this model only exposes the ledger.
with

ledger as (

    select * from core.restatements

)

select
    county,
    department_code,
    year,
    old_document_id,
    new_document_id,
    relation,
    table_kind,
    subject_code,
    item,
    category,
    measure,
    old_amount_wan,
    new_amount_wan,
    detected_at,
    -- extras beyond the contract
    department_name,
    doc_type,
    scope,
    basis,
    classification,
    side,
    change_kind,
    old_amount_yuan,
    new_amount_yuan,
    (coalesce(new_amount_wan, 0) - coalesce(old_amount_wan, 0))::decimal(18, 6) as change_wan

from ledger
