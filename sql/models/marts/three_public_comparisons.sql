-- 三公经费 a filing prints for comparison beside its own: the year before's budget (basis prior_year_budget) and
-- the change on it (change_on_prior_year), as printed (西安 上年 | 增减变化情况 columns, 深圳 2025年 | 增减变化金额
-- rows, 重庆/烟台 2025年预算数). Beyond the contract; marts.three_public holds the filing's own figures.
{{ three_public_rows(own=false) }}
