-- 三公经费, one row per (document, category, fund source, basis): the filing's own figures only (the contract's
-- bases budget | adjusted_budget | final). The year before's budget and the change on it, which some templates
-- print beside the year's own figures, are in marts.three_public_comparisons, so that summing this relation
-- never adds them in.
{{ three_public_rows(own=true) }}
