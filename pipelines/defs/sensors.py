"""``new_filing_sensor``: watch the inbox, add a partition per new content, request one run per batch.

The cursor remembers each file's (size, mtime, content key), so an unchanged file is not even re-read,
and a file whose content is already a partition (the same bytes under another name) starts nothing.
A changed file has a new content key: its run loads it and supersedes the older version.
"""


import json

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from pipelines.defs.filings import ingest_filings, partition_metadata
from pipelines.defs.resources import Inbox, file_key, warehouse_path
from pipelines.defs.run_filings import FILE, filings
from pipelines.lib import db as wh  # not pipelines.lib.warehouse: a tick needs no pandera (~0.5 CPU s)
from pipelines.lib.discovery import region_of

BATCH = 500  # filings per run: one run's overhead amortised, while a failure still only redoes a batch
RANGE_START, RANGE_END = ASSET_PARTITION_RANGE_START_TAG, ASSET_PARTITION_RANGE_END_TAG  # a range run's tags


# A batch's run loads its filings, then builds the SQL models and writes the export, as `yusuan ingest` does: one
# process loading the definitions per batch, not two (a models run of its own cost ~4 CPU s of Dagster's start).
# warehouse_automation does not start the models again: eager ignores parents updated in a run with the model.
TARGET = dg.AssetSelection.assets(ingest_filings) | dg.AssetSelection.groups("dw", "marts", "exports")


@dg.sensor(target=TARGET, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING)
def new_filing_sensor(context: dg.SensorEvaluationContext, inbox: Inbox) -> dg.SensorResult:
    """Start runs for filings dropped into the inbox ($YUSUAN_INBOX, default data/inbox)."""
    cursor: dict[str, list] = json.loads(context.cursor) if context.cursor else {}
    known = set(filings.get_partition_keys(dynamic_partitions_store=context.instance))
    new: list[str] = []
    for path in inbox.files():
        st = path.stat()
        rel = str(path.relative_to(inbox.root))
        seen = cursor.get(rel)
        if seen and seen[0] == st.st_size and seen[1] == st.st_mtime_ns:
            continue
        key = file_key(path.read_bytes())
        cursor[rel] = [st.st_size, st.st_mtime_ns, key]
        if key not in known and key not in new:
            new.append(key)
    # Which file each new key is, before its run loads it: one observation for the tick, not one per filing (each
    # event is a SQLite write of ~6 ms CPU in the daemon); the run then reports each filing on its own partition.
    paths = {entry[2]: rel for rel, entry in cursor.items() if len(entry) > 2}
    events: list = [_sensed(new, paths, inbox)] if new else []
    events += _loaded_elsewhere(context, known | set(new))
    requests = []
    for i in range(0, len(new), BATCH):
        batch = new[i:i + BATCH]
        # partitions added together are contiguous, so one range run covers the batch
        requests.append(dg.RunRequest(run_key=f"{batch[0]}..{batch[-1]}",
                                      tags={RANGE_START: batch[0], RANGE_END: batch[-1]},
                                      # the batch's files, so its run reads them, not the whole inbox, to find them
                                      run_config={"ops": {ingest_filings.op.name: {"config": {
                                          "files": {key: paths[key] for key in batch if key in paths}}}}}))
    if new:
        context.log.info(f"{len(new)} new filing(s) in {inbox.root}: {len(requests)} run(s)")
    return dg.SensorResult(
        run_requests=requests,
        asset_events=events,
        dynamic_partitions_requests=[filings.build_add_request(new)] if new else [],
        cursor=json.dumps(cursor, sort_keys=True),
    )


SENSED_LISTED = 500  # rows of the observation's table; the runs name every filing on its partition anyway


def _sensed(new: list[str], paths: dict[str, str], inbox: Inbox) -> dg.AssetObservation:
    """The tick's new filings: partition key, file and county of each, as a table on ``raw/filings``."""
    rows = ["| partition | file | county |", "|---|---|---|"]
    for key in new[:SENSED_LISTED]:
        rel = paths.get(key, "?")
        rows.append(f"| `{key}` | {rel} | {region_of(inbox.root / rel, inbox.root)[1] or ''} |")
    if len(new) > SENSED_LISTED:
        rows.append(f"| … | {len(new) - SENSED_LISTED} more | |")
    return dg.AssetObservation(asset_key=FILE, metadata={
        "new_filings": len(new), "files": dg.MetadataValue.md("\n".join(rows))})


def _loaded_elsewhere(context: dg.SensorEvaluationContext, known: set[str]) -> list[dg.AssetMaterialization]:
    """Filings in the warehouse that are not partitions yet (loaded by `yusuan ingest`): add each as a
    partition and report it materialized, with its department, year and file, so the partitions page
    lists every filing the warehouse holds.  Skipped quietly while the warehouse is being written."""
    db = warehouse_path()
    try:
        con = wh.connect(db, read_only=True)
    except (wh.WarehouseMissing, wh.WarehouseInUse):
        return []
    try:
        rows = wh.query_pl(con, """
            select left(document_id, 16) as key, file_name, source_path, county, department_name, year, doc_type,
                   status, error
            from core.documents order by ingested_at
        """)
    except Exception:  # an empty or older warehouse without core.documents
        return []
    finally:
        con.close()
    rows = rows.filter(~rows["key"].is_in(list(known)))
    if rows.height == 0:
        return []
    context.instance.add_dynamic_partitions(filings.name, rows["key"].to_list())
    context.log.info(f"{rows.height} filing(s) loaded by `yusuan ingest` added to the partitions of {FILE.to_user_string()}")
    return [dg.AssetMaterialization(asset_key=FILE, partition=r["key"], metadata=partition_metadata(
        file=r["source_path"] or r["file_name"], county=r["county"], department=r["department_name"], year=r["year"],
        doc_type=r["doc_type"], status=r["status"], error=r["error"], loaded_by="yusuan ingest",
    )) for r in rows.iter_rows(named=True)]
