-- One row per document ever seen (loaded, superseded, rejected), with the surrogate keys of its
-- department and region.  The department key is defined here once: county plus the printed code,
-- or the name where the filing prints no code, hashed so it stays stable across rebuilds.
with

documents as (

    -- a name that is an alias of a department (core.department_aliases) keys as that department
    select d.*, coalesce(a.department, d.department_name) as department_of
    from core.documents d
    left join core.department_aliases a
        on a.county is not distinct from d.county and a.alias = d.department_name

),

keyed as (

    select
        document_id,
        md5(concat_ws('|',
            coalesce(county, '∅'),
            case
                when department_code is not null then 'code:' || department_code
                else 'name:' || coalesce(department_of, '∅')
            end
        )) as department_key,
        md5(coalesce(region, county, '∅')) as region_key,
        file_name,
        source_path,
        region,
        county,
        department_code,
        department_name,
        year,
        doc_type,
        scope,
        unit,
        status,
        error,
        ingested_at,
        file_type,
        pages,
        n_tables,
        superseded_by,
        part

    from documents

)

select * from keyed
