-- Every year from the first to the last loaded filing, gaps included, so a missing year shows.
with

bounds as (

    select min(year) as first_year, max(year) as last_year
    from {{ ref("dim_document") }}
    where status = 'loaded' and year is not null

),

years as (

    select unnest(range(first_year, last_year + 1)) as year
    from bounds
    where first_year is not null

),

filed as (

    select year, count(*) as n_documents
    from {{ ref("dim_document") }}
    where status = 'loaded'
    group by year

)

select
    years.year::integer as year,
    coalesce(filed.n_documents, 0) as n_loaded_documents

from years
left join filed using (year)
order by year
