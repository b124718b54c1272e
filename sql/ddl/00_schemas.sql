-- Five schemas: core (documents and the restatement ledger, written by the loader), staging (one
-- table per tidy frame, every filing ever loaded), quality (validation findings), dw (the star
-- schema built by the SQL models) and marts (what analysts read; exported to Parquet).
-- The star schema is not called "warehouse": DuckDB names the database after its file, and with
-- the default data/warehouse.duckdb a schema "warehouse" is an ambiguous reference
-- (catalog or schema?) that every query would have to spell warehouse.warehouse.x.
create schema if not exists core;
create schema if not exists staging;
create schema if not exists quality;
create schema if not exists dw;
create schema if not exists marts;
create schema if not exists raw;
