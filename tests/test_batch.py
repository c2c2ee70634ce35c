"""Batch behaviour on a generated case: incremental rebuilds, failures, kill-and-resume."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence import batch, pipeline, sample
from evidence import inventory as inventory_module

REPO = Path(__file__).resolve().parents[1]
TOOL = "pinned-for-tests"  # an unrelated edit to the code between two builds must not matter


@pytest.fixture(scope="module")
def case_and_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("batch")
    case = root / "case"
    sample.generate(case, victims=4, seed=23, scale="small")
    out = root / "full"
    result = batch.build(case, out, jobs=2, tool=TOOL)
    assert not result.failed and result.rebuilt == ("V001", "V002", "V003", "V004")
    return case, out


def files(folder: Path, caches: bool = True) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and (caches or batch.CACHE_DIR not in p.parts)}


def _segments(out: Path) -> dict[str, tuple[int, bytes]]:
    """Each claimant's cached bundle segment: (mtime, bytes)."""
    return {p.name.split(".")[0]: (p.stat().st_mtime_ns, p.read_bytes())
            for p in (out / batch.CACHE_DIR / batch.SEGMENTS_DIR).glob("*.seg")}


def test_manifest_lists_every_output_with_its_hash(case_and_build: tuple[Path, Path]) -> None:
    _, out = case_and_build
    manifest = json.loads((out / batch.MANIFEST).read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = set(files(out, caches=False)) - {batch.MANIFEST, "joint/build.json"}
    on_disk -= {f"V00{i}/build.json" for i in range(1, 5)}
    assert set(listed) == on_disk
    for path, entry in listed.items():
        assert inventory_module.sha256(out / path) == entry["sha256"]
        record = json.loads((out / path.split("/")[0] / batch.BUILD_JSON).read_text())
        assert entry["fingerprint"] == record["fingerprint"]


def test_change_to_one_claimant_rebuilds_only_that_one(case_and_build: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    case, full = case_and_build
    case2, out = tmp_path / "case", tmp_path / "out"
    shutil.copytree(case, case2)
    shutil.copytree(full, out)
    before = {v: (out / v / batch.BUILD_JSON).stat().st_mtime_ns for v in ("V001", "V003")}
    dossier_before = (out / "V001" / "dossier.pdf").read_bytes()

    again = batch.build(case2, out, jobs=2, tool=TOOL)
    assert again.rebuilt == () and not again.joint_rebuilt  # nothing changed: nothing rebuilt
    segments_before = _segments(out)
    assert set(segments_before) == {"V001", "V002", "V003", "V004"}

    # the victim sends one more photo
    shot = REPO / "tests" / "data" / "image" / "IMG_20150319_103012.jpg"
    shutil.copy(shot, case2 / "victims" / "V002" / "IMG_20150318_213000.jpg")
    result = batch.build(case2, out, jobs=2, tool=TOOL)
    assert result.rebuilt == ("V002",)
    assert [o.state for o in result.outcomes] == [batch.State.CACHED, batch.State.BUILT,
                                                  batch.State.CACHED, batch.State.CACHED]
    assert result.joint_rebuilt
    assert {v: (out / v / batch.BUILD_JSON).stat().st_mtime_ns for v in before} == before
    assert (out / "V001" / "dossier.pdf").read_bytes() == dossier_before
    record = json.loads((out / "V002" / batch.BUILD_JSON).read_text(encoding="utf-8"))
    inventory = json.loads((out / "V002" / "inventory.json").read_text(encoding="utf-8"))
    assert "IMG_20150318_213000.jpg" in {f["path"] for f in inventory["files"]}
    assert record["outputs"]["dossier.pdf"] == inventory_module.sha256(out / "V002" / "dossier.pdf")

    # the bundle was reassembled from the cached segments of the others (V003 and V004 moved:
    # V002 has more pages now) and equals, byte for byte, a build from nothing
    segments_after = _segments(out)
    for vid in ("V001", "V003", "V004"):
        assert segments_after[vid] == segments_before[vid], vid
    assert segments_after["V002"] != segments_before["V002"]
    fresh = tmp_path / "fresh"
    assert batch.build(case2, fresh, jobs=2, tool=TOOL).rebuilt == ("V001", "V002", "V003", "V004")
    assert (out / "joint" / "bundle.pdf").read_bytes() == (fresh / "joint" / "bundle.pdf").read_bytes()
    assert files(out, caches=False) == files(fresh, caches=False)

    # a cached dossier that no longer matches its recorded hash is rebuilt, not trusted
    with (out / "V003" / "dossier.pdf").open("r+b") as f:
        f.seek(100)
        f.write(b"X")
    assert batch.build(case2, out, jobs=2, tool=TOOL).rebuilt == ("V003",)


def test_wrong_front_matter_guess_gives_the_same_bundle(case_and_build: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    """A rebuild renders the front matter beside the copying, guessing its page count from
    the last build; a wrong guess is redone and the bundle is the same bytes."""
    case, full = case_and_build
    out = tmp_path / "out"
    shutil.copytree(full, out)
    record_path = out / "joint" / batch.BUILD_JSON
    record = json.loads(record_path.read_text(encoding="utf-8"))
    assert record["front"]["pages"] >= 1 and record["front"]["claimants"] == 4
    record["front"]["pages"] += 2  # wrong guess
    record["fingerprint"] = "stale"  # the joint outputs must be made again
    record_path.write_text(json.dumps(record), encoding="utf-8")
    result = batch.build(case, out, jobs=2, tool=TOOL)
    assert result.rebuilt == () and result.joint_rebuilt
    assert files(out, caches=False) == files(full, caches=False)


def _script(case: Path, out: Path, hold_before_joint: bool = False) -> list[str]:
    """A build in a child process. `hold_before_joint`: the child waits before the joint step,
    so a kill after the first claimant always lands before the build could finish (on a loaded
    machine the whole build could otherwise end between two polls)."""
    hold = ("import time; batch._joint_step = lambda *a, **k: time.sleep(600); "
            if hold_before_joint else "")
    code = (f"from pathlib import Path; from evidence import batch; {hold}"
            f"batch.build(Path({str(case)!r}), Path({str(out)!r}), jobs=1, tool={TOOL!r})")
    return [sys.executable, "-c", code]


def test_killed_build_resumes_to_identical_outputs(case_and_build: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    case, full = case_and_build
    out = tmp_path / "out"
    proc = subprocess.Popen(_script(case, out, hold_before_joint=True), cwd=REPO,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (out / "V001" / batch.BUILD_JSON).exists():
            assert proc.poll() is None, "build finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (out / batch.MANIFEST).exists()  # it really was interrupted
    done = subprocess.run(_script(case, out), cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert files(out, caches=False) == files(full, caches=False)


def test_one_failing_claimant_gives_exit_7_and_the_others_are_built(
        case_and_build: tuple[Path, Path], tmp_path: Path) -> None:
    case, _ = case_and_build
    out = tmp_path / "out"
    out.mkdir()
    (out / "V003").write_text("a file where the claimant's output folder must go")
    done = subprocess.run([sys.executable, "-m", "cli", "build", str(case), "--out", str(out),
                           "--jobs", "2"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 7, done.stderr
    assert "V003" in done.stderr
    for vid in ("V001", "V002", "V004"):
        assert (out / vid / "dossier.pdf").is_file()
    data = json.loads((out / "joint" / "claims.json").read_text(encoding="utf-8"))
    status = {c["id"]: (c["status"], c["error"]) for c in data["claimants"]}
    assert status["V003"][0] == "failed" and status["V003"][1]
    assert {status[v][0] for v in ("V001", "V002", "V004")} == {"ok"}
    manifest = json.loads((out / batch.MANIFEST).read_text(encoding="utf-8"))
    assert not any(f["path"].startswith("V003/") for f in manifest["files"])
    if shutil.which("pdftotext"):
        first, _ = (int(x) for x in data["claimants"][2]["pages"].split("-"))
        page = subprocess.run(["pdftotext", "-f", str(first), "-l", str(first),
                               str(out / "joint" / "bundle.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "证据卷未能生成" in page and "V003" in page


def test_geocoder_answers_are_kept_for_the_next_build(case_and_build: tuple[Path, Path]) -> None:
    """A one-claimant rebuild need not load the geocoder for numbers seen before: the answers
    (with the data version they came from) are kept in DIR/.cache/phones.json."""
    from evidence import phones

    _, out = case_and_build
    kept = json.loads((out / batch.CACHE_DIR / "phones.json").read_text(encoding="utf-8"))
    assert kept["data"] == phones.data_version()
    numbers = kept["numbers"]
    assert numbers and all(k.startswith(("zh|", "en|")) for k in numbers)
    hangzhou = [v for v in numbers.values() if v and "杭州" in v]
    assert hangzhou  # the sample's fraud callers are Hangzhou mobiles
    for key, value in numbers.items():  # what was kept is what the geocoder says
        lang, number = key.split("|")
        assert phones.attribute(number, "en" if lang == "en" else "zh-Hans") == value


def test_a_damaged_phone_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence import phones

    cache = tmp_path / batch.CACHE_DIR / "phones.json"
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps({"data": phones.data_version(),
                                 "numbers": {"zh|1": ["not", "text"], "zh|2": "杭州", "zh|3": None}}))
    kept = batch._Attributions(tmp_path)
    assert kept.known == {"zh|2": "杭州", "zh|3": None}
    cache.write_text("{not json")
    assert batch._Attributions(tmp_path).known == {}
    cache.write_text(json.dumps({"data": "0.0.0-other", "numbers": {"zh|2": "杭州"}}))
    assert batch._Attributions(tmp_path).known == {}  # another data version: not trusted


def _crash(*_: object) -> None:
    os._exit(9)  # what the OS killing the worker (out of memory) looks like to the parent


def test_early_worker_dying_fails_only_that_claimant(case_and_build: tuple[Path, Path],
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-claimant rebuild runs in the worker forked before the change scan; if that worker
    dies, the claimant is reported failed (never a hang or a traceback) and the next build,
    with a healthy worker, builds it and equals a build from nothing."""
    case, full = case_and_build
    case2, out = tmp_path / "case", tmp_path / "out"
    shutil.copytree(case, case2)
    shutil.copytree(full, out)
    shot = REPO / "tests" / "data" / "image" / "IMG_20150319_103012.jpg"
    shutil.copy(shot, case2 / "victims" / "V003" / "IMG_20150318_213000.jpg")
    monkeypatch.setattr(batch, "_early_worker", _crash)
    result = batch.build(case2, out, jobs=2, tool=TOOL)
    assert [o.id for o in result.failed] == ["V003"]
    assert "worker process building V003 died" in result.failed[0].error
    assert [o.state for o in result.outcomes] == [batch.State.CACHED, batch.State.CACHED,
                                                  batch.State.FAILED, batch.State.CACHED]
    monkeypatch.undo()
    again = batch.build(case2, out, jobs=2, tool=TOOL)
    assert again.rebuilt == ("V003",) and not again.failed
    fresh = tmp_path / "fresh"
    batch.build(case2, fresh, jobs=2, tool=TOOL)
    assert files(out, caches=False) == files(fresh, caches=False)


def test_the_bundle_verifies_by_its_sha256(case_and_build: tuple[Path, Path],
                                           tmp_path: Path) -> None:
    """`evidence verify bundle.pdf`: its .sha256, written from the writer's own hash, and
    (issue 18) its embedded manifest's page hashes and dossiers' fingerprints vouch for it.
    Without the .sha256 the page hashes still do; a page removed fails, named."""
    from evidence import integrity

    _, full = case_and_build
    bundle = full / "joint" / "bundle.pdf"
    line = integrity.sidecar_path(bundle).read_text(encoding="utf-8")
    assert line == f"{inventory_module.sha256(bundle)}  bundle.pdf\n"  # sha256sum -c format
    report = integrity.check(bundle)
    assert report.ok, integrity.lines(report)
    areas = [c.area for c in report.checks]
    assert areas[:2] == ["pdf", "pages"] and areas.count("fingerprint") >= 2, areas
    assert all(c.state is integrity.State.OK for c in report.checks)

    copy = tmp_path / "bundle.pdf"
    shutil.copy(bundle, copy)
    alone = integrity.check(copy)  # no .sha256 beside it: the page hashes vouch
    assert alone.ok and alone.checks[0].state is integrity.State.UNCHECKED
    shutil.copy(integrity.sidecar_path(bundle), integrity.sidecar_path(copy))
    assert integrity.check(copy).ok
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 1
    copy.write_bytes(bytes(data))
    tampered = integrity.check(copy)
    assert not tampered.ok and tampered.checks[0].state is integrity.State.CHANGED
    import pikepdf

    gone = tmp_path / "gone.pdf"
    with pikepdf.open(bundle) as doc:
        del doc.pages[3]
        doc.save(gone)
    named = integrity.check(gone)
    assert not named.ok and any(c.area == "page" and c.subject.startswith("4")
                                for c in named.checks), integrity.lines(named)


def test_a_full_disk_is_a_clear_error_not_a_bug(case_and_build: tuple[Path, Path], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk filling up while the bundle is written: exit 5 with one sentence naming the
    folder and the way out; nothing half-written at the final paths; the dossiers are kept.
    While a claimant's dossier is written: that claimant fails with the same sentence."""
    import errno

    from evidence import errors
    from evidence.pdf import assemble as stamp
    from evidence.pdf import writer as pdffile

    case, _ = case_and_build
    out = tmp_path / "out"

    write_all = pdffile.Writer._write_all

    def full(self: pdffile.Writer, block: bytes | memoryview) -> None:
        if "bundle" in str(getattr(self.f, "name", "")):  # the dossiers are written as usual
            raise OSError(errno.ENOSPC, "No space left on device")
        write_all(self, block)

    monkeypatch.setattr(pdffile.Writer, "_write_all", full)
    with pytest.raises(errors.OutputError) as caught:
        batch.build(case, out, jobs=1, tool=TOOL)
    message = str(caught.value)
    assert caught.value.exit_code == 5
    assert "the disk is full" in message and str(out / "joint") in message and "again" in message
    assert (out / "V001" / "dossier.pdf").is_file()
    assert not (out / "joint" / "bundle.pdf").exists() and not (out / batch.MANIFEST).exists()
    assert not list((out / "joint").glob(".*partial"))
    monkeypatch.undo()

    real_finish = stamp.finish

    def finish(doc: stamp.Dossier, path: Path, **kw: object) -> str:
        if "V002" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_finish(doc, path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(stamp, "finish", finish)
    result = batch.build(case, tmp_path / "out2", jobs=1, tool=TOOL)
    failed = {o.id: o.error for o in result.outcomes if o.error}
    assert list(failed) == ["V002"]
    assert failed["V002"].startswith(f"cannot write {tmp_path / 'out2' / 'V002'} (the disk is full)")


def test_direct_io_is_opt_in_and_writes_the_same_bundle(case_and_build: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    """issue 19: O_DIRECT and the helper that frees the old bundle are `--direct-io` only; the
    bytes are the same either way, and the option does not change any fingerprint."""
    case, full = case_and_build
    out = tmp_path / "out"
    result = batch.build(case, out, jobs=1, tool=TOOL, options=pipeline.Options(direct_io=True))
    assert result.bundle is not None
    assert files(out, caches=False) == files(full, caches=False)
    assert pipeline.Options().direct_io is False
