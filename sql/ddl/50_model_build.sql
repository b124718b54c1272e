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
