"""A run's process starts the filings step's workers as the definitions load (``defs/executor.start_workers``), and
the step takes them over: told from the command line of the process, never in a code server or a test's process."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipelines.defs import executor, sensors
from pipelines.lib import workers
from tests.orchestration.conftest import ROOT, repo_storage

DAGSTER = "/srv/venv/bin/dagster"  # the console script; `python -m dagster` runs dagster/__main__.py
MAIN = "/srv/venv/lib/python3.11/site-packages/dagster/__main__.py"
RUN_JSON = '{"__class__": "ExecuteRunArgs", "run_id": "abc"}'


@pytest.mark.parametrize(("argv", "spawned", "runs"), [
    # a run from the shell: filings only with partitions (raw/filings is the one partitioned asset)
    ([DAGSTER, "asset", "materialize", "-m", "pipelines.definitions", "--select", "group:raw,group:dw",
      "--partition-range", "0a...ff"], False, True),
    ([DAGSTER, "asset", "materialize", "-m", "pipelines.definitions", "--partition=0a"], False, True),
    ([DAGSTER, "asset", "materialize", "-m", "pipelines.definitions", "--select", "group:marts"], False, False),
    ([DAGSTER, "job", "execute", "-m", "pipelines.definitions", "-j", "__ASSET_JOB"], False, True),
    # a run launcher's process, and a step's process: only a step list naming the filings step
    ([MAIN, "api", "execute_run", RUN_JSON], False, True),
    ([MAIN, "api", "resume_run", RUN_JSON], False, True),
    ([MAIN, "api", "execute_step", '{"step_keys_to_execute": ["ingest_filings"]}'], False, True),
    ([MAIN, "api", "execute_step", '{"step_keys_to_execute": ["sql_models"]}'], False, False),
    # the code server, and the run it spawns for `dagster dev` (its command line, a multiprocessing parent)
    ([DAGSTER, "api", "grpc", "--lazy-load-user-code", "-m", "pipelines.definitions"], False, False),
    ([DAGSTER, "api", "grpc", "--lazy-load-user-code", "-m", "pipelines.definitions"], True, True),
    ([DAGSTER, "code-server", "start", "-m", "pipelines.definitions"], False, False),
    ([DAGSTER, "code-server", "start", "-m", "pipelines.definitions"], True, True),
    # nothing else that loads the definitions
    ([DAGSTER, "dev"], False, False),
    ([DAGSTER, "dev", "-m", "pipelines.definitions"], True, False),
    ([DAGSTER, "definitions", "validate", "-m", "pipelines.definitions"], False, False),
    (["/srv/venv/bin/pytest", "tests/orchestration"], False, False),
    (["/srv/venv/bin/yusuan", "ingest", "inbox"], True, False),
    (["/srv/dagster/__main__.py"], False, False),
    (["-c", "asset", "materialize", "--partition", "x"], False, False),
])
def test_a_run_is_told_from_its_command_line(argv, spawned, runs):
    assert executor.runs_filings(argv, spawned) is runs


def test_the_workers_are_started_for_the_sensors_batch():
    assert executor.WARM_BATCH == sensors.BATCH


def test_a_test_process_starts_no_worker():
    assert not executor.start_workers()  # pytest's command line
    assert workers.warming() == 0


def test_workers_started_apart_count_from_when_they_were_ready():
    """A pool started apart (a run: Dagster's start between) is idle once ready: the balance counts each worker's CPU
    from then, and this process's from the step, not both from their starts (figures by hand)."""
    ready = concurrent.futures.Future()
    ready.set_result((4321, 0.7))  # the worker: 0.7 CPU s starting
    b = workers._Balance(1, [ready])
    assert b.origin == pytest.approx(time.process_time(), abs=0.05)  # this process counts from now
    assert b.unreported == 0.0  # a worker that has not reported yet is idle, at 0
    assert b.ready_at(4321) == 0.7
    assert b.ready_at(999) == 0.0  # not one of them
    assert workers._Balance(1, True).ready_at(4321) == 0.0  # started with this process: its clock as it is


def test_a_run_process_takes_the_workers_started_with_it(tmp_path, inbox):
    """`dagster asset materialize` over the samples' partitions, as the sensor's runs are made: its process starts the
    worker as the definitions load and the filings step reads with it (the run's log says so), loading every
    sample."""
    home = _home(tmp_path)
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "YUSUAN_DB": str(db), "YUSUAN_INBOX": str(inbox),
           "YUSUAN_JOBS": "2"}  # two processes for the samples' nine filings: one worker
    from pipelines.defs.resources import Inbox
    from pipelines.defs.run_filings import filings

    keys = list(Inbox(path=str(inbox)).index())
    with dg.DagsterInstance.from_config(str(home)) as inst:
        inst.add_dynamic_partitions(filings.name, keys)
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run([str(dagster), "asset", "materialize", "-m", "pipelines.definitions", "--select",
                           "group:raw", "--partition-range", f"{keys[0]}...{keys[-1]}"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    # the worker had the run's first filings before the step started (executor.start_workers, filings.run_files)
    assert ("read in this process and 1 worker process(es), started with the run, given their first tasks as the "
            "definitions loaded") in done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from core.documents").fetchone()[0] == len(keys) == 9


def _home(tmp_path: Path) -> Path:
    """A DAGSTER_HOME with the repo's dagster.yaml, its files in it."""
    home = tmp_path / "home"
    home.mkdir()
    conf = yaml.safe_load((ROOT / "dagster.yaml").read_text(encoding="utf-8"))
    conf["storage"] = repo_storage(home)
    for key in ("local_artifact_storage", "compute_logs"):
        conf[key]["config"]["base_dir"] = str(home)
    (home / "dagster.yaml").write_text(yaml.safe_dump(conf), encoding="utf-8")
    return home


@pytest.fixture
def partitioned(tmp_path, inbox, monkeypatch):
    """A Dagster home (DAGSTER_HOME) whose filings partitions are the inbox's samples, added in their files' sorted
    order (the order the sensor adds a tick's new filings in), with the inbox as $YUSUAN_INBOX: (home, the sample
    files in that order, their keys)."""
    import hashlib

    home = _home(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("YUSUAN_INBOX", str(inbox))
    monkeypatch.delenv("YUSUAN_JOBS", raising=False)
    files = sorted(p for p in inbox.rglob("*") if p.suffix in (".docx", ".pdf"))
    keys = [hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in files]  # a filing's key: its content's hash
    from pipelines.defs.run_filings import filings

    with dg.DagsterInstance.get() as inst:
        inst.add_dynamic_partitions(filings.name, keys)
    return home, files, keys


def _materialize(*options: str) -> list[str]:
    return [DAGSTER, "asset", "materialize", "-m", "pipelines.definitions", *options]


def test_a_runs_filings_are_known_from_dagster_asset_materialize(partitioned, inbox, monkeypatch):
    """`dagster asset materialize`'s options say which filings its run reads, in the step's order, before Dagster
    made the run: the range of partitions (or the one), the files its run config names, the inbox; a selection
    without raw/filings (or one that cannot be told apart from the step's own assets) reads none."""
    from pipelines.defs.run_filings import run_files

    _, files, keys = partitioned
    assert len(files) == 9
    got = run_files(_materialize("--select", "group:raw,group:dw", "--partition-range", f"{keys[2]}...{keys[6]}"),
                    False)
    assert got == [(f, inbox) for f in files[2:7]]
    assert run_files(_materialize("--select", "*", f"--partition={keys[4]}"), False) == [(files[4], inbox)]
    # found by hashing the whole inbox once a process: the step, looking again, checks only the run's own files
    from pipelines.defs import run_filings as step
    from pipelines.defs.resources import Inbox

    hashed, index = [], Inbox.index
    monkeypatch.setattr(step, "_found", {})
    monkeypatch.setattr(Inbox, "index", lambda self: hashed.append(self.root) or index(self))
    argv = _materialize("--select", "group:raw", "--partition-range", f"{keys[0]}...{keys[8]}")
    assert run_files(argv, False) == run_files(argv, False) == [(f, inbox) for f in files]
    assert hashed == [inbox]
    # the run config names a file for a partition: that one, checked against its key
    copy = inbox / "elsewhere" / "renamed.docx"
    copy.parent.mkdir()
    copy.write_bytes(files[3].read_bytes())
    config = {"ops": {"ingest_filings": {"config": {"files": {keys[3]: "elsewhere/renamed.docx"}}}}}
    got = run_files(_materialize("--select", "raw/filings", "--config-json", json.dumps(config), "--partition-range",
                                 f"{keys[3]}...{keys[4]}"), False)
    assert got == [(copy, inbox), (files[4], inbox)]
    for select in ("group:marts", "+marts/yoy_change", "group:raw and not key:raw/filings"):
        assert run_files(_materialize("--select", select, "--partition-range", f"{keys[0]}...{keys[1]}"), False) is None
    assert run_files(_materialize("--select", "group:raw"), False) is None  # no partitions: no filings step
    assert run_files([DAGSTER, "definitions", "validate", "-m", "pipelines.definitions"], False) is None


def _run(instance, run_id: str, *, keys: tuple[str, str], selection: frozenset | None, steps: list | None = None):
    """A run as the daemon creates one from the sensor's request (or a re-execution of some of its steps), before its
    process starts."""
    from dagster._core.storage.dagster_run import DagsterRun

    from pipelines.defs.sensors import RANGE_END, RANGE_START

    instance.add_run(DagsterRun(job_name="__ASSET_JOB", run_id=run_id, tags={RANGE_START: keys[0], RANGE_END: keys[1]},
                                asset_selection=selection, step_keys_to_execute=steps))


def test_a_runs_filings_are_known_from_the_run_its_process_executes(partitioned, inbox, monkeypatch):
    """`dagster api execute_run` (a run launcher's process) names the run in its argument or its environment; the
    run — created before — says which filings its step reads, or that it reads none (a models-only run)."""
    from dagster._core.code_pointer import ModuleCodePointer
    from dagster._core.origin import JobPythonOrigin, RepositoryPythonOrigin
    from dagster._grpc.types import ExecuteRunArgs
    from dagster._serdes import serialize_value

    from pipelines.defs.run_filings import FILE, run_files

    _, files, keys = partitioned
    code = JobPythonOrigin(job_name="__ASSET_JOB", repository_origin=RepositoryPythonOrigin(
        executable_path=sys.executable, code_pointer=ModuleCodePointer("pipelines.definitions", "defs", str(ROOT))))
    with dg.DagsterInstance.get() as inst:
        ref = inst.get_ref()
        _run(inst, "r-filings", keys=(keys[1], keys[3]), selection=frozenset({FILE, dg.AssetKey(["dw", "dim_year"])}))
        _run(inst, "r-models", keys=(keys[1], keys[3]), selection=frozenset({dg.AssetKey(["dw", "dim_year"])}))
        _run(inst, "r-again", keys=(keys[1], keys[3]), selection=None, steps=["sql_models"])  # from a failure
    wanted = [(f, inbox) for f in files[1:4]]
    run_args = serialize_value(ExecuteRunArgs(job_origin=code, run_id="r-filings", instance_ref=ref))
    assert run_files([DAGSTER, "api", "execute_run", run_args], False) == wanted
    monkeypatch.setenv("DAGSTER_EXECUTE_RUN_ARGS", run_args)  # how a run launcher may pass it
    assert run_files([DAGSTER, "api", "execute_run"], False) == wanted
    monkeypatch.delenv("DAGSTER_EXECUTE_RUN_ARGS")
    monkeypatch.setenv("DAGSTER_COMPRESSED_EXECUTE_RUN_ARGS",  # or compressed, as some launchers pass it
                       base64.b64encode(zlib.compress(run_args.encode())).decode())
    assert run_files([DAGSTER, "api", "execute_run"], False) == wanted
    monkeypatch.delenv("DAGSTER_COMPRESSED_EXECUTE_RUN_ARGS")
    models = serialize_value(ExecuteRunArgs(job_origin=code, run_id="r-models", instance_ref=ref))
    assert run_files([DAGSTER, "api", "execute_run", models], False) is None
    again = serialize_value(ExecuteRunArgs(job_origin=code, run_id="r-again", instance_ref=ref))
    assert run_files([DAGSTER, "api", "execute_run", again], False) is None
    # the code server itself runs nothing (the runs it spawns: test_a_run_the_code_server_spawns_…)
    assert run_files([DAGSTER, "api", "grpc", "--lazy-load-user-code", "-m", "pipelines.definitions"], False) is None


def _shape(d: dg.Definitions) -> dict:
    """What a run executes from the definitions: assets with their checks, dependencies and partitions, sensors,
    resources, jobs, and the implicit asset job's snapshot id (its ops, config schema and resources)."""
    from dagster._core.snap import JobSnap

    repo = d.get_repository_def()
    graph = repo.asset_graph
    return {
        "assets": sorted((key.to_user_string(), sorted(p.to_user_string() for p in graph.get(key).parent_keys),
                          type(graph.get(key).partitions_def).__name__) for key in graph.get_all_asset_keys()),
        "checks": sorted(str(k) for k in graph.asset_check_keys),
        "sensors": sorted(s.name for s in repo.sensor_defs),
        "jobs": sorted(j.name for j in repo.get_all_jobs()),
        "resources": sorted(d.resources),
        "job": JobSnap.from_job_def(repo.get_implicit_global_asset_job_def()).snapshot_id,
    }


def test_a_runs_definitions_are_the_ones_dagster_dev_shows_without_the_component_catalogue():
    from dagster.components.core.load_defs import PLUGIN_COMPONENT_TYPES_JSON_METADATA_KEY

    from pipelines.definitions import build

    shown, run = build(run=False), build(run=True)
    assert _shape(run) == _shape(shown)
    assert len(_shape(run)["assets"]) > 40 and len(_shape(run)["checks"]) > 30
    assert PLUGIN_COMPONENT_TYPES_JSON_METADATA_KEY in shown.metadata  # what dagster dev serves carries it
    assert PLUGIN_COMPONENT_TYPES_JSON_METADATA_KEY not in run.metadata and run.component_tree is None


def test_workers_started_before_the_files_were_known_are_given_their_first_tasks_and_taken_over():
    """The filings step gives the workers started with the run (apart) their first tasks before it opens the
    warehouse (workers.first_tasks); its processed_chunks takes those over and reads what reading here reads."""
    from pipelines.lib.discovery import discover
    from tests.orchestration.conftest import SAMPLES

    files = discover([SAMPLES])
    assert workers.planned_workers(len(files), 2) == 1
    assert not workers.first_tasks(files, jobs=2)  # no warm pool: nothing to give
    workers.warm_up(executor.WARM_BATCH, 2, apart=True)
    try:
        assert workers.first_tasks(files, jobs=2)
        early = workers._early
        assert early is not None and early.futures and early.files is files
        assert not workers.first_tasks(files, jobs=2)  # given once
        groups = list(workers.processed_chunks(files, jobs=2))
        assert workers._early is None and workers.warming() == 0  # taken over, tasks and all
        assert all(f.done() for f in early.futures)
    finally:
        workers.cool_down()
    serial = [i for g in workers.processed_chunks(files, jobs=1) for i in g]
    together = [i for g in groups for i in g]
    assert [(i.document.document_id, i.document.status) for i in together] == \
        [(i.document.document_id, i.document.status) for i in serial]


def test_a_run_the_code_server_spawns_has_its_filings_read_before_its_step(partitioned, inbox, tmp_path):
    """`dagster dev` and the daemon's default launcher start a run in a process the code server spawns: the run's
    filings are found from what the code server hands that process, and its worker reads them before the step
    starts — the run's log says so — and the run loads every filing of its range."""
    from dagster._core.remote_origin import (
        GrpcServerCodeLocationOrigin,
        RemoteJobOrigin,
        RemoteRepositoryOrigin,
    )
    from dagster._core.storage.dagster_run import DagsterRunStatus
    from dagster._grpc.client import DagsterGrpcClient
    from dagster._grpc.types import ExecuteExternalJobArgs

    from pipelines.definitions import build
    from pipelines.defs.filings import ingest_filings
    from pipelines.defs.sensors import RANGE_END, RANGE_START

    home, files, keys = partitioned
    db, socket = tmp_path / "w.duckdb", tmp_path / "grpc.sock"
    env = {**os.environ, "DAGSTER_HOME": str(home), "YUSUAN_DB": str(db), "YUSUAN_INBOX": str(inbox),
           "YUSUAN_JOBS": "2"}  # one worker for the range's filings
    server = subprocess.Popen([str(Path(sys.executable).parent / "dagster"), "api", "grpc", "--socket", str(socket),
                               "-m", "pipelines.definitions"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        client = DagsterGrpcClient(socket=str(socket))
        for _ in range(240):  # the code server loads the definitions first
            if server.poll() is not None:
                pytest.fail(f"the code server stopped: {server.stderr.read()[-3000:]}")
            try:
                client.ping("")
                break
            except Exception:
                time.sleep(0.25)
        # built here, not the process's cached definitions: this test's environment (the inbox) is its own
        job = build(run=True).get_repository_def().get_implicit_global_asset_job_def()
        with dg.DagsterInstance.get() as inst:
            # the run as the daemon makes it of the sensor's request: its range, its filings' job
            run = inst.create_run_for_job(job, tags={RANGE_START: keys[1], RANGE_END: keys[8]},
                                          asset_selection=frozenset(ingest_filings.keys))
            origin = RemoteJobOrigin(repository_origin=RemoteRepositoryOrigin(
                code_location_origin=GrpcServerCodeLocationOrigin(host="localhost", socket=str(socket),
                                                                location_name="yusuan"),
                repository_name="__repository__"), job_name=job.name)
            client.start_run(ExecuteExternalJobArgs(job_origin=origin, run_id=run.run_id,
                                                    instance_ref=inst.get_ref()))
            for _ in range(600):
                status = inst.get_run_by_id(run.run_id).status
                if status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE):
                    break
                time.sleep(0.25)
            messages = [e.user_message for e in inst.all_logs(run.run_id)]
        assert status == DagsterRunStatus.SUCCESS, "\n".join(messages[-20:])
        assert any("started with the run, given their first tasks as the definitions loaded" in m
                   for m in messages), "\n".join(messages)
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("select count(*) from core.documents").fetchone()[0] == 8 == len(keys[1:9])
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("select", [
    "*", "group:raw", "group:raw,group:dw", "raw/filings", "kind:duckdb", "group:marts", "+marts/yoy_change",
    "group:raw and not key:raw/filings", "core/documents", "staging/budget_lines", "core/documents+", "key:raw/*",
    "tag:x=y", "raw/nothing",
    "raw/filings+", "owner:someone@example.com", "owner:\"someone@example.com\"",
])
def test_whether_a_selection_takes_the_filings_is_told_as_over_the_filings_step(select):
    """The run's process tells whether `--select` takes raw/filings before the filings step's module is imported, over
    raw/filings' spec alone: the same answer as over the step's own assets (its tables and checks too)."""
    import warnings

    from dagster._core.definitions.assets.graph.asset_graph import AssetGraph

    from pipelines.defs.filings import ingest_filings
    from pipelines.defs.run_filings import FILE, _selects_filings

    def outcome(told):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return told()
        except dg.DagsterInvalidSubsetError:
            return False
        except Exception as err:  # a selection Dagster cannot parse: its CLI says so; both raise alike
            return type(err)

    full = outcome(lambda: FILE in dg.AssetSelection.from_coercible(select.split(",")).resolve(
        AssetGraph.from_assets([ingest_filings])))
    assert outcome(lambda: _selects_filings(select)) == full
