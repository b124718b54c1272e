-- An older filing ($old_id) gives way to the filing that supersedes it ($new_id).
update core.documents
set status = 'superseded', superseded_by = $new_id, status_changed_at = $now
where document_id = $old_id
