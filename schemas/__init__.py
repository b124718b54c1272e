"""pandera (polars API) models of the tidy per-filing frames; see ``pipelines/lib/frames.py``."""
