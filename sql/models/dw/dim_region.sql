-- One row per region path (省/市/县 folders above the filings).  A filing straight under the
-- ingest root has no region; it is keyed by its county (or as unknown) instead.
with

documents as (

    {{ documents(status=none) }}

),

regions as (

    select distinct region_key, region, county
    from documents

),

split as (

    select
        region_key,
        region,
        county,
        string_split(region, '/') as parts

    from regions

)

select
    region_key,
    region,
    county,
    case when len(parts) >= 2 then parts[1] end as province,
    case when len(parts) >= 3 then parts[len(parts) - 1] end as prefecture

from split
