"""The one exit-code policy (issues 19 and 23), each case through the real CLI: what it prints,
the code it exits with, and what it leaves (or does not leave) on disk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_case
from typer.testing import CliRunner

import cli
from evidence import outlock

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def two_victims(tmp_path: Path) -> Path:
    case = make_case(tmp_path, ("V001", "V002"))
    notes = case / "victims" / "V001" / "originals"
    notes.mkdir(parents=True, exist_ok=True)
    (notes / "note.txt").write_text("3月18日 接到自称京东客服的电话。\n", encoding="utf-8")
    return case


def test_build_refuses_an_unknown_victim_like_check(tmp_path: Path) -> None:
    case = two_victims(tmp_path)
    out = tmp_path / "out"
    code, text = run("build", str(case), "--victim", "NOPE", "--out", str(out))
    assert code == 2 and "NOPE" in text and "known victims: V001, V002" in text
    assert not out.exists() or not any(out.rglob("dossier.pdf"))
    assert run("check", str(case), "--victim", "NOPE")[0] == 2


def test_out_naming_a_file_exits_5_with_a_sentence(tmp_path: Path) -> None:
    case = two_victims(tmp_path)
    target = tmp_path / "out.pdf"
    target.write_text("not a folder")
    code, text = run("build", str(case), "--victim", "V001", "--out", str(target))
    assert code == 5, text
    assert "cannot write the output folder" in text and str(target) in text
    assert target.read_text() == "not a folder"  # left alone


@pytest.mark.parametrize("where", ["under_a_file", "dev_null", "read_only"])
def test_unwritable_out_exits_5(tmp_path: Path, where: str) -> None:
    case = two_victims(tmp_path)
    if where == "under_a_file":
        (tmp_path / "f").write_text("x")
        out = tmp_path / "f" / "out"
    elif where == "dev_null":
        out = Path("/dev/null")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes in read-only folders")
        out = tmp_path / "ro"
        out.mkdir()
        out.chmod(0o500)
    code, text = run("build", str(case), "--victim", "V001", "--out", str(out))
    assert code == 5, text
    assert "cannot write the output folder" in text


def test_broken_victim_toml_gives_4_from_build_and_check(tmp_path: Path) -> None:
    case = two_victims(tmp_path)
    (case / "victims" / "V002" / "victim.toml").write_text("[victim\nname = ", encoding="utf-8")
    assert run("check", str(case), "--victim", "V002")[0] == 4
    code, text = run("build", str(case), "--victim", "V002", "--out", str(tmp_path / "out"))
    assert code == 4, text


def test_one_failing_claimant_of_several_exits_7(tmp_path: Path) -> None:
    case = two_victims(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "V002").write_text("a file where V002's output folder must go")
    code, text = run("build", str(case), "--victim", "V001", "--victim", "V002",
                     "--out", str(out))
    assert code == 7, text
    assert "V002" in text and "1 of 2 claimant(s) could not be built" in text
    assert (out / "V001" / "dossier.pdf").is_file()


def test_timeline_exits_like_check_when_files_are_rejected(tmp_path: Path) -> None:
    case = two_victims(tmp_path)
    (case / "victims" / "V001" / "originals" / "blob.bin").write_bytes(b"\x00\x01garbage" * 10)
    check = run("check", str(case), "--victim", "V001")[0]
    assert check == 3
    assert run("timeline", str(case), "--victim", "V001", "--format", "json")[0] == check


def test_a_second_build_on_the_same_out_says_who_holds_it(tmp_path: Path) -> None:
    case = two_victims(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    keep = out / "V001"
    keep.mkdir()
    (keep / "dossier.pdf").write_bytes(b"%PDF- an earlier build")
    with outlock.hold(out):
        code, text = run("build", str(case), "--victim", "V001", "--out", str(out))
    assert code == 5, text
    assert "being written by another build" in text and f"pid {os.getpid()}" in text
    assert (keep / "dossier.pdf").read_bytes() == b"%PDF- an earlier build"  # nothing deleted
    assert run("build", str(case), "--victim", "V001", "--out", str(out))[0] in (0, 3)


def test_ctrl_c_says_how_many_dossiers_were_written(tmp_path: Path) -> None:
    from evidence import sample

    case = tmp_path / "case"
    sample.generate(case, victims=6, seed=23, scale="small")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cli", "build", str(case), "--out", str(out),
                             "--jobs", "1"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not (out / "V001" / "build.json").exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    # none of ours; Python itself may print "Exception ignored in: …" when the signal lands
    # inside a garbage-collector callback (the build then stops at the next claimant)
    ours = [block for block in err.split("Exception ignored in")[1:] if "evidence/" in block]
    assert "Traceback" not in err.split("Exception ignored in")[0] and not ours, err
    written = len(list(out.glob("V*/dossier.pdf")))
    assert f"interrupted; {written} dossier(s) were written" in err
    assert not (out / "manifest.json").exists()


def test_workers_end_when_the_parent_dies(tmp_path: Path) -> None:
    """A killed build leaves no orphan worker building on (PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    code = ("import concurrent.futures, os, time; from evidence import batch\n"
            "pool = concurrent.futures.ProcessPoolExecutor(1, initializer=batch.worker_init)\n"
            "print(pool.submit(os.getpid).result(), flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{worker}").exists() and _state(worker) != "Z":
        assert time.monotonic() < deadline, "the worker outlived its parent"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "gone"


def test_whole_case_and_victim_builds_exit_alike_on_bad_input(tmp_path: Path) -> None:
    """A damaged screenshot is an error in the report: 3 from the whole-case build (fresh and
    reused) as from the --victim build."""
    case = two_victims(tmp_path)
    shot = case / "victims" / "V001" / "originals" / "Screenshot_20150318-204000.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)  # a PNG cut short
    assert run("build", str(case), "--victim", "V001", "--out", str(tmp_path / "one"))[0] == 3
    out = tmp_path / "all"
    assert run("build", str(case), "--out", str(out))[0] == 3
    assert run("build", str(case), "--out", str(out))[0] == 3  # nothing rebuilt, same answer
