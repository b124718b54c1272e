-- Every subject code: the national 类 names from the seed, plus every code met in a filing with
-- the name printed most often (the seed's name wins for the codes it holds).  Level and parent
-- follow the code's length: 类 3 digits, 款 5, 项 7.
with

seed as (

    select * from {{ ref("subject_classes") }}

),

printed as (

    -- the name printed most often; among names printed equally often the first in sort order, so
    -- every build picks the same one (mode() breaks ties by whichever thread saw a name first)
    select classification, subject_code, subject_name
    from (
        select classification, subject_code, subject_name, count(*) as times
        from {{ source("staging", "budget_lines") }}
        where subject_code is not null and classification is not null
        group by classification, subject_code, subject_name
    )
    qualify row_number() over (
        partition by classification, subject_code order by times desc, subject_name
    ) = 1

),

summary_printed as (

    -- 收支总表 expense lines by function carry the 类 code with a numbered name (一、一般公共服务支出)
    select 'function' as classification, subject_code, subject_name
    from (
        select
            subject_code,
            regexp_replace(item_name, '^[一二三四五六七八九十]+、', '') as subject_name,
            count(*) as times
        from {{ source("staging", "budget_summary") }}
        where subject_code is not null
        group by all
    )
    qualify row_number() over (partition by subject_code order by times desc, subject_name) = 1

),

found as (

    select * from printed
    union all by name
    select summary_printed.*
    from summary_printed
    anti join printed using (classification, subject_code)

),

merged as (

    select
        coalesce(seed.classification, found.classification) as classification,
        coalesce(seed.subject_code, found.subject_code) as subject_code,
        coalesce(seed.subject_name, found.subject_name) as subject_name,
        seed.subject_code is not null as national_seed

    from seed
    full join found
        on seed.classification = found.classification
        and seed.subject_code = found.subject_code

)

select
    md5(classification || '|' || subject_code) as subject_key,
    classification,
    subject_code,
    subject_name,
    case length(subject_code) when 3 then 1 when 5 then 2 when 7 then 3 end::tinyint as subject_level,
    case length(subject_code)
        when 5 then left(subject_code, 3)
        when 7 then left(subject_code, 5)
    end as parent_code,
    national_seed

from merged
