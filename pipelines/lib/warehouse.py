"""The DuckDB warehouse's front door: callers (the CLI, the Dagster assets, ``ingest``, the tests) import
this module; the work is done in one room each.

| room | holds |
|---|---|
| :mod:`pipelines.lib.db` | the file and connections: :func:`connect` (one writer; :class:`WarehouseInUse` names the other process), the storage format DuckDB 1.4 clients read, polars frames in and out (:func:`query_pl`, :func:`register_frame`) |
| :mod:`pipelines.lib.ddl`, :mod:`pipelines.lib.migrations` | ``sql/ddl/*.sql`` and the seeds (:func:`apply_ddl`); upgrading a warehouse an older yusuan built |
| :mod:`pipelines.lib.load` | one transaction per filing or per chunk of filings (:func:`load_document`, :func:`load_batch`), rejections, ``core.files``, department aliases |
| :mod:`pipelines.lib.restatements` | which older filing a new one supersedes, and the ledger ``core.restatements`` of what changed |
| :mod:`pipelines.lib.transform` | the SQL models, a dbt project (``sql/``, shipped as ``pipelines/sql``): :func:`rebuild_models`, :func:`run_model`, :func:`models` |
| :mod:`pipelines.lib.export` | Parquet export of the marts, swapped in atomically (:func:`export`) |

Pure functions over a DuckDB connection, no Dagster.  ``sql/`` is read from the installed package
(``importlib.resources``), never through a path relative to the repository.
"""

from __future__ import annotations

from pipelines.lib.db import (
    CONNECTION_CONFIG,
    SCHEMAS,
    STORAGE_COMPATIBILITY_VERSION,
    WarehouseInUse,
    WarehouseMissing,
    connect,
    lock_holder,
    query_pl,
    readable_by_duckdb_1_4,
    register_frame,
    relation_pl,
)
from pipelines.lib.ddl import DDL_DIR, SEEDS, SEEDS_DIR, apply_ddl, ddl_files
from pipelines.lib.export import export, mart_relations
from pipelines.lib.load import (
    DOCUMENT_KEYS,
    FRAME_TABLES,
    LoadResult,
    _record_alias,  # the department-alias rule, tested on its own
    document_status,
    load_batch,
    load_document,
    record_rejection,
)
from pipelines.lib.migrations import WarehouseSchemaError
from pipelines.lib.transform import (
    MODEL_SCHEMAS,
    SQL_DIR,
    Model,
    model_files,
    model_order,
    models,
    rebuild_models,
    run_model,
)

__all__ = [
    "CONNECTION_CONFIG", "DDL_DIR", "DOCUMENT_KEYS", "FRAME_TABLES", "MODEL_SCHEMAS", "SCHEMAS", "SEEDS",
    "SEEDS_DIR", "SQL_DIR", "STORAGE_COMPATIBILITY_VERSION", "LoadResult", "Model", "WarehouseInUse",
    "WarehouseMissing", "WarehouseSchemaError", "_record_alias", "apply_ddl", "connect", "ddl_files",
    "document_status", "export", "load_batch", "load_document", "lock_holder", "mart_relations", "model_files",
    "model_order", "models", "query_pl", "readable_by_duckdb_1_4", "rebuild_models", "record_rejection",
    "register_frame", "relation_pl", "run_model",
]
