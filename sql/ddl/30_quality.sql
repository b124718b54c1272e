-- Everything validation noticed, for loaded and rejected filings alike.  "check" is an SQL keyword:
-- quote it in queries.
create table if not exists quality.findings (
    document_id varchar not null,
    severity varchar not null check (severity in ('error', 'warning', 'info')),
    "check" varchar not null,
    table_kind varchar,
    location varchar,
    expected varchar,
    actual varchar,
    message varchar
);
