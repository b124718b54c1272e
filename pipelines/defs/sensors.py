"""``new_filing_sensor``: watch the inbox, add a partition per new content, request one run per batch.

The cursor remembers each file's (size, mtime, content key), so an unchanged file is not even re-read,
and a file whose content is already a partition (the same bytes under another name) starts nothing.
A changed file has a new content key: its run loads it and supersedes the older version.
"""


import json

import dagster as dg

from pipelines.defs.filings import filings, ingest_filings
from pipelines.defs.resources import Inbox, file_key

BATCH = 500  # filings per run: one run's overhead amortised, while a failure still only redoes a batch
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


@dg.sensor(target=dg.AssetSelection.assets(ingest_filings), minimum_interval_seconds=30,
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
    requests = []
    for i in range(0, len(new), BATCH):
        batch = new[i:i + BATCH]
        # partitions added together are contiguous, so one range run covers the batch
        requests.append(dg.RunRequest(run_key=f"{batch[0]}..{batch[-1]}",
                                      tags={RANGE_START: batch[0], RANGE_END: batch[-1]}))
    if new:
        context.log.info(f"{len(new)} new filing(s) in {inbox.root}: {len(requests)} run(s)")
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[filings.build_add_request(new)] if new else [],
        cursor=json.dumps(cursor, sort_keys=True),
    )
