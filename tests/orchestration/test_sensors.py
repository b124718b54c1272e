"""The inbox sensor: a new file → one run request; the same file again → none; the file changed → one."""

import json
import shutil

import dagster as dg

from pipelines.defs.resources import Inbox
from pipelines.defs.run_filings import filings
from pipelines.defs.sensors import RANGE_END, RANGE_START, new_filing_sensor
from tests.orchestration.conftest import SAMPLES

REFERENCE = SAMPLES / "河北省/邯郸市/魏县/2023/201_中国共产党魏县委员会办公室_2023.docx"


def tick(instance, inbox, cursor):
    ctx = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"inbox": Inbox(path=str(inbox))})
    result = new_filing_sensor(ctx)
    for req in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(filings.name, list(req.partition_keys))
    return result


def test_new_same_changed(instance, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert tick(instance, inbox, None).run_requests == []

    shutil.copy(REFERENCE, inbox / "a.docx")
    first = tick(instance, inbox, None)
    assert len(first.run_requests) == 1
    key = first.dynamic_partitions_requests[0].partition_keys[0]
    assert first.run_requests[0].tags[RANGE_START] == first.run_requests[0].tags[RANGE_END] == key

    # nothing new
    again = tick(instance, inbox, first.cursor)
    assert again.run_requests == [] and again.dynamic_partitions_requests == []

    # the same bytes dropped again under another name: already a partition, nothing starts
    shutil.copy(REFERENCE, inbox / "copy of a.docx")
    dup = tick(instance, inbox, again.cursor)
    assert dup.run_requests == []
    assert "copy of a.docx" in json.loads(dup.cursor)

    # the file changed (a republished filing): a new content key and one run
    (inbox / "a.docx").write_bytes(REFERENCE.read_bytes() + b"\0")
    changed = tick(instance, inbox, dup.cursor)
    assert len(changed.run_requests) == 1
    assert changed.dynamic_partitions_requests[0].partition_keys[0] != key


def test_many_files_one_batched_run(instance, inbox):
    result = tick(instance, inbox, None)
    assert len(result.dynamic_partitions_requests[0].partition_keys) == 9
    assert len(result.run_requests) == 1
