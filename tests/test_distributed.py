"""Issue 22: claimants on a Dask cluster (a LocalCluster of two worker processes here).

Byte-identical to a local build; a claimant that kills its worker fails alone (exit 7, the
bundle marks it); a worker that would build with other code is refused before any task."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")

import cloudpickle
import dask
from distributed import Client, LocalCluster, WorkerPlugin, get_task_stream
from typer.testing import CliRunner

import cli
from evidence import batch, distributed, sample
from evidence.errors import ExitCode

# the plugins and functions below run in the worker processes: sent by value, not by name
cloudpickle.register_pickle_by_value(sys.modules[__name__])

TOOL = "pinned-for-tests"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and batch.CACHE_DIR not in p.relative_to(folder).parts}


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dask") / "case"
    sample.generate(folder, victims=3, seed=22, scale="small")
    return folder


def _local(allowed_failures: int = 3, connect: str = "30s") -> LocalCluster:
    """`connect`: how long workers try to reach a scheduler (once it is gone: to close)."""
    with dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures,
                          "distributed.comm.timeouts.connect": connect}):
        return LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                            dashboard_address=":0", silence_logs=50)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with _local() as local:
        yield local


def test_cluster_build_is_byte_identical_to_local_and_reused(
        case: Path, cluster: LocalCluster, tmp_path: Path) -> None:
    local = batch.build(case, tmp_path / "local", jobs=2, tool=TOOL)
    with distributed.Cluster.connect(cluster.scheduler_address) as remote:
        with get_task_stream(remote.client) as stream:
            spread = batch.build(case, tmp_path / "dask", tool=TOOL, cluster=remote)
        ran = sorted(t["key"].split("-")[-1] for t in stream.data
                     if str(t["key"]).startswith("evidence-build-"))
        assert ran == ["V001", "V002", "V003"]  # each claimant a task on a worker
        assert spread.rebuilt == local.rebuilt == ("V001", "V002", "V003")
        theirs, ours = files(tmp_path / "dask"), files(tmp_path / "local")
        assert sorted(theirs) == sorted(ours) and "joint/bundle.pdf" in ours
        assert [k for k in ours if theirs[k] != ours[k]] == []
        again = batch.build(case, tmp_path / "dask", tool=TOOL, cluster=remote)
    assert again.rebuilt == () and not again.joint_rebuilt
    assert files(tmp_path / "dask") == theirs


def _other_code() -> None:
    batch.tool_digest = lambda: "0" * 64  # type: ignore[assignment]


def test_a_worker_with_other_code_is_refused_before_any_task(
        case: Path, cluster: LocalCluster, tmp_path: Path) -> None:
    with Client(cluster.scheduler_address) as client:
        odd = sorted(client.scheduler_info()["workers"])[1]
        client.run(_other_code, workers=[odd])
        out = tmp_path / "out"
        result = CliRunner().invoke(cli.app, ["build", str(case), "--out", str(out)],
                                    env={distributed.ENV: cluster.scheduler_address})
    assert result.exit_code == ExitCode.USAGE, result.output
    said = " ".join(result.output.split())
    assert f"Dask worker {odd}" in said and "tool code" in said and "0000000000" in said
    assert "Nothing was built" in said
    assert not list(out.glob("V*")) and not (out / "joint").exists()
    assert not list(out.glob(distributed.PROBE + "*"))  # the preflight's probe removed


def test_a_lost_scheduler_ends_the_build_with_nothing_half_published(
        case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    local = _local(connect="2s")
    try:
        with distributed.Cluster.connect(local.scheduler_address, 2) as remote:

            def progress(p: batch.Progress) -> None:
                if p.event == "done":  # the first claimant back: the scheduler goes away
                    local.sync(local.scheduler.close)

            with pytest.raises(distributed.SchedulerLost) as lost:
                batch.build(case, out, tool=TOOL, cluster=remote, progress=progress)
    finally:  # without a scheduler, LocalCluster.close waits ~30 s: the workers go first
        for nanny in list(local.workers.values()):
            local.sync(nanny.close, timeout=2)
        with contextlib.suppress(TimeoutError):
            local.close(timeout=1)
    assert lost.value.exit_code == ExitCode.PARTIAL_BUILD
    assert "joint bundle was not written" in str(lost.value)
    assert not (out / "joint").exists() and not (out / batch.MANIFEST).exists()
    finished = [p.parent for p in out.glob("V*/build.json")]
    assert finished  # what finished is kept, each claimant whole (build.json is written last)
    for folder in finished:
        record = json.loads((folder / batch.BUILD_JSON).read_text(encoding="utf-8"))
        for name, sha in record["outputs"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha
    assert not list(out.rglob(".*.partial"))


def test_a_worker_with_threads_is_refused(case: Path, tmp_path: Path) -> None:
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0",
                      silence_logs=50) as threaded:
        result = CliRunner().invoke(cli.app, ["build", str(case), "--out", str(tmp_path / "o"),
                                              "--scheduler", threaded.scheduler_address])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "runs 2 threads" in result.output and "--nthreads 1" in result.output
    assert not list((tmp_path / "o").glob("V*"))


class Crash(WorkerPlugin):
    """Test-only worker plugin: building `victim` ends the worker process at once, the way the
    kernel's OOM killer or a segfault in a native library would."""

    name = "test-crash"

    def __init__(self, victim: str) -> None:
        self.victim = victim

    def setup(self, worker: Any) -> None:
        real = batch.build_one

        def build_one(case: Any, victim_id: str, *args: Any, **kwargs: Any) -> Any:
            if victim_id == self.victim:
                os._exit(9)
            return real(case, victim_id, *args, **kwargs)

        batch.build_one = build_one  # type: ignore[assignment]


def test_a_claimant_that_kills_its_worker_fails_alone(case: Path, tmp_path: Path) -> None:
    # the scheduler gives a task up at the first death of its worker here (3 by default: the
    # same result after more deaths); the claimants beside it are then retried alone
    with _local(allowed_failures=0) as cluster, Client(cluster.scheduler_address) as client:
        client.register_plugin(Crash("V002"))
        out = tmp_path / "out"
        result = CliRunner().invoke(cli.app, ["build", str(case), "--out", str(out),
                                              "--scheduler", cluster.scheduler_address])
    assert result.exit_code == ExitCode.PARTIAL_BUILD, result.output
    assert "V002" in result.output and "died" in result.output
    built = {p.parent.name for p in out.glob("V*/dossier.pdf")}
    assert built == {"V001", "V003"}  # the others, retried where their worker died
    text = subprocess.run(["pdftotext", "-layout", str(out / "joint" / "bundle.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "V002" in text and "died" in text.replace("\n", " ")  # its page in the bundle
    manifest = (out / batch.MANIFEST).read_text(encoding="utf-8")
    assert '"id": "V002"' in manifest and '"state": "failed"' in manifest
