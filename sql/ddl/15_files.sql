-- Every path a content (document_id = sha256 of the bytes) was seen at: core.documents keeps one row
-- per content, this keeps every file.  The same bytes copied under two counties, or a rejected file
-- copied twice, are two rows here, each with the region and county its folders say.
create table if not exists core.files (
    document_id varchar not null,
    path varchar not null,  -- as ingested (the inbox path under Dagster)
    file_name varchar not null,
    region varchar,  -- the region folders above it, '/'-joined (see docs/warehouse.md)
    county varchar,
    first_seen_at timestamptz not null,
    last_seen_at timestamptz not null,  -- the latest ingest that saw it there
    primary key (document_id, path)
);

-- A warehouse from before core.files: each document's first path, as core.documents kept it.
insert into core.files (document_id, path, file_name, region, county, first_seen_at, last_seen_at)
select document_id, coalesce(source_path, file_name), file_name, region, county, ingested_at, ingested_at
from core.documents d
where not exists (select 1 from core.files f where f.document_id = d.document_id);
