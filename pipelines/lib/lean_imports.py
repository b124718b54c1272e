"""Importing what ``yusuan ingest`` needs, and nothing more: a short-lived command pays its imports in every process.

pandera imports pandas (and its pandas engine) whenever pandas is installed, to offer its pandas API at the top
level; yusuan validates polars frames only (``pandera.polars``), whose backend never touches pandas.  pandas is
installed for Dagster, so every ``yusuan ingest`` process paid ~0.25 CPU s for a pandas it never used.  pandera
supports a polars-only install (``pandera/__init__.py``: without pandas it registers its built-in checks and the
polars API alone; ``pandera/backends/register_checks.py`` asks once, at the first validation, whether pandas is
there, and remembers the answer), and :func:`pandera_without_pandas` imports it as such an install would.  In that
process pandera then validates polars frames only, which is all yusuan gives it.  pyarrow asks the same question
at its first conversion and imports pandas then; it is asked here too.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class _Absent(importlib.abc.MetaPathFinder):
    """Answers an import of ``package`` (or a module in it) as an install without it does: "No module named …"."""

    def __init__(self, package: str):
        self.package = package

    def find_spec(self, name, path=None, target=None):
        if name == self.package or name.startswith(self.package + "."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


@contextmanager
def _without(package: str) -> Iterator[None]:
    """While in the block, ``package`` cannot be imported (it stays importable afterwards)."""
    finder = _Absent(package)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def pyarrow_without_pandas() -> None:
    """Ask pyarrow, while pandas is not importable, whether pandas is there (it remembers the answer; see
    :func:`pandera_without_pandas`), unless pandas is imported already.  ``yusuan ingest`` calls it first: its
    loader hands polars frames to DuckDB through pyarrow, and it imports pandera only if a frame may fail its
    model (``processing._pandera``)."""
    if "pandas" in sys.modules:
        return
    with _without("pandas"):
        _ask_pyarrow()


def _ask_pyarrow() -> None:
    try:
        import pyarrow
    except ImportError:
        return
    getattr(getattr(pyarrow.lib, "_pandas_api", None), "have_pandas", None)  # asked and remembered


def pandera_without_pandas() -> None:
    """Import ``pandera.polars`` without pandas, unless pandera or pandas is imported already (under Dagster,
    pandas is: then nothing changes).  pyarrow (through which the loader hands polars frames to DuckDB) asks the
    same question at its first conversion and would import pandas then: it is asked here too, and remembers the
    answer (in this process, no pyarrow ``to_pandas``, which yusuan does not use).  pandas itself stays importable
    afterwards."""
    if "pandera" in sys.modules or "pandas" in sys.modules:
        return
    with _without("pandas"):
        import pandera.polars  # noqa: F401

        try:  # the first validation's question "is pandas there?", asked (and remembered) while it is not
            from pandera.backends.register_checks import _load_get_backend_types_from_mro
        except ImportError:  # another pandera: it may import pandas at the first validation, which only costs time
            pass
        else:
            _load_get_backend_types_from_mro()
        _ask_pyarrow()


def dagster_dbt_without_dbt_core() -> None:
    """Import ``dagster_dbt`` as an install without dbt-core would (its mode for dbt Fusion), unless it or dbt is
    imported already.

    With dbt-core importable, ``dagster_dbt`` imports it at once (``dagster_dbt.compat``: dbt's adapters, results
    and node types, ~0.9 CPU s) and ``@dbt_assets`` selects the manifest's nodes through dbt's graph selector
    (another ~0.6 s): ~1.5 CPU s in every process that loads the definitions — each run, each step worker, the code
    server.  Without it, ``dagster_dbt`` reads the default selection (every node) from the manifest JSON and builds
    the same assets, checks and lineage: tests/orchestration/test_defs.py compares the whole repository snapshot
    Dagster's UI is served from, both ways.  yusuan never runs dbt through dagster-dbt (the models step builds from
    dbt's compiled SQL, or through :func:`pipelines.lib.transform.build`, which imports dbt itself when it needs it),
    and dbt-core stays importable afterwards.  Dagster's library registry then names dbt-core, as it would have."""
    if "dagster_dbt" in sys.modules or "dbt" in sys.modules:
        return
    with _without("dbt"):  # dbt-core's package
        import dagster_dbt  # noqa: F401
    try:
        from importlib.metadata import PackageNotFoundError, version

        from dagster_shared.libraries import DagsterLibraryRegistry
    except ImportError:
        return
    try:
        core = version("dbt-core")
    except PackageNotFoundError:  # really without dbt-core: dagster_dbt registered what it found
        return
    libraries = getattr(DagsterLibraryRegistry, "_libraries", None)
    if isinstance(libraries, dict):
        libraries.pop("dbt-fusion", None)
    DagsterLibraryRegistry.register("dbt-core", core, is_dagster_package=False)
