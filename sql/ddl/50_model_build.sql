-- The last successful build of the SQL models (dw, marts), one row: what the models read then (a fingerprint
-- of the dbt sources), the dbt project's version and whether the data tests ran.  `yusuan ingest` skips the
-- build when all three still hold (pipelines.lib.model_runs.refresh); a failed or interrupted build leaves
-- the previous row, so the next ingest builds again.
create table if not exists core.model_build (
    project_version varchar not null,  -- sha256 of the dbt project's files (transform.project_version)
    sources varchar not null,  -- model_runs.fingerprint of the tables the models read
    tests boolean not null,  -- the data tests ran (and none failed)
    built_at timestamptz not null
);

-- Each filing as the last build of yusuan ingest's runner saw it: its department and a digest of what the
-- incremental models read of it (its dw.dim_document row, its row count in each staging table they read).
-- The next build diffs it with the filings now and rebuilds only the departments that differ
-- (pipelines.lib.model_runs.changed_departments); empty = the next build is a full one.
create table if not exists core.model_build_documents (
    document_id varchar not null,
    department_key varchar not null,
    digest ubigint not null
);
