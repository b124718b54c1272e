-- Five schemas: core (documents and the restatement ledger, written by the loader), staging (one
-- table per tidy frame, every filing ever loaded), quality (validation findings), warehouse (star
-- schema built by the SQL models) and marts (what analysts read; exported to Parquet).
create schema if not exists core;
create schema if not exists staging;
create schema if not exists quality;
create schema if not exists warehouse;
create schema if not exists marts;
