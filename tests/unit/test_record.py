"""The typed filing record: what processing knows about a file, frozen, and the row the load stage writes."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import pytest

from pipelines.lib import warehouse
from pipelines.lib.loading import load_group
from pipelines.lib.processing import process
from pipelines.lib.record import FilingRecord

ROOT = Path(__file__).resolve().parents[2] / "data" / "samples"
REFERENCE = ROOT / "河北省/邯郸市/魏县/2023/201_中国共产党魏县委员会办公室_2023.docx"


def test_a_read_file_is_keyed_by_its_bytes_and_sized_and_the_record_cannot_change():
    data = REFERENCE.read_bytes()
    item = process(REFERENCE, root=ROOT)
    record = item.document
    assert isinstance(record, FilingRecord)
    assert (record.document_id, record.file_size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert (record.file_type, record.status, record.error) == ("docx", "loaded", None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.status = "rejected"


def test_a_file_that_cannot_be_read_is_keyed_by_its_path_and_says_why(tmp_path):
    missing = tmp_path / "河北省" / "魏县" / "gone.docx"
    record = process(missing, root=tmp_path).document
    assert record.document_id == hashlib.sha256(os.fsencode(missing)).hexdigest()
    assert (record.status, record.file_size, record.county) == ("rejected", None, "魏县")
    assert record.error.startswith("cannot read the file")


def test_the_load_stage_writes_the_records_row(tmp_path):
    loaded = process(REFERENCE, root=ROOT)
    rejected = process(tmp_path / "gone.docx", root=tmp_path)
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        warehouse.apply_ddl(con)
        assert load_group(con, [loaded, rejected]) == ["loaded", "rejected"]
        rows = dict(con.execute("select document_id, (status, file_size, department_name, error) "
                                "from core.documents").fetchall())
    finally:
        con.close()
    assert rows[loaded.document.document_id] == ("loaded", REFERENCE.stat().st_size, "中国共产党魏县委员会办公室", None)
    status, size, _, error = rows[rejected.document.document_id]
    assert (status, size) == ("rejected", None) and error.startswith("cannot read the file")
