-- One row per department, stable across years: county plus department_code (or the name where no
-- code is printed).  The name shown is the one of the latest loaded filing; every printed name is
-- kept in names_seen because departments get renamed.
with

documents as (

    select * from {{ ref("dim_document") }}
    where status in ('loaded', 'superseded')

),

latest as (

    select
        department_key,
        arg_max(county, struct_pack(year, ingested_at)) as county,
        arg_max(region, struct_pack(year, ingested_at)) as region,
        arg_max(department_code, struct_pack(year, ingested_at)) as department_code,
        arg_max(department_name, struct_pack(year, ingested_at)) as department_name,
        list_sort(list_distinct(list(department_name))) as names_seen,
        min(year) as first_year,
        max(year) as last_year,
        count(*) filter (where status = 'loaded') as n_loaded_documents

    from documents
    group by department_key

)

select * from latest
