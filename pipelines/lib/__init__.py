"""Pure functions: reading, classifying, normalizing, validating and loading filings.

Nothing here imports Dagster; the CLI and the Dagster assets both call these.
"""
