"""Reading filings with Python's cyclic collector paused (processing.quiet_gc, #13): the stages make no reference
cycles, so pausing it loses nothing; the collector comes back as it was; and a cycle a library makes is still
collected, by the full collection every FULL_EVERY filings."""

import gc
import weakref
from pathlib import Path

import pytest

from pipelines.lib import processing

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_reading_the_samples_makes_no_reference_cycles():
    """Every object reading a filing makes dies by reference count: a collection afterwards finds no garbage.  (A
    recursive closure in the narrative check held all a filing's lines in a cycle until the collector ran.)"""
    files = [(p, SAMPLES) for p in sorted(SAMPLES.rglob("*.docx"))]
    assert len(files) >= 9
    processing.process_batch(files)  # imports, lazy tables and caches, made once: alive, not garbage
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        items = processing.process_batch(files)
        assert all(x.document.status == "loaded" for x in items)
        del items
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


class _Node:
    def __init__(self):
        self.me = self  # a cycle: only the collector frees it


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_comes_back_as_it_was(enabled):
    was = gc.isenabled()
    frozen = gc.get_freeze_count()  # not 0 once this process loaded the Dagster definitions (they freeze theirs)
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError), processing.quiet_gc():
            assert not gc.isenabled()
            raise RuntimeError("a reader bug")
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == frozen  # nothing of its own left in the permanent generation
    finally:
        (gc.enable if was else gc.disable)()


def test_a_cycle_made_while_paused_is_collected_by_the_next_full_collection(monkeypatch):
    monkeypatch.setattr(processing, "FULL_EVERY", 3)
    monkeypatch.setattr(processing, "_READ", [0])
    with processing.quiet_gc(2):
        first = weakref.ref(_Node())
    assert first() is not None  # below FULL_EVERY: kept for the oldest generation, not collected yet
    with processing.quiet_gc(1):
        second = weakref.ref(_Node())
    assert first() is None and second() is None  # the third filing: one full collection frees both
    assert processing._READ == [0]
