"""The web intake (evidence/web): the HTTP API through Starlette's test client, read back from
the case folder (intake.json, originals/, audit.jsonl, receipt.pdf)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import threading
import time
import warnings
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette")
from conftest import make_case
from PIL import Image

with warnings.catch_warnings():  # Starlette 1.x would rather run its test client on httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from test_check import DEBIT, ms, sms_xml
from typer.testing import CliRunner

import cli
from evidence import batch, config, intake, inventory
from evidence.web import guard, server, store

NOW = dt.datetime.now(dt.UTC)


def png(colour: str = "red", size: tuple[int, int] = (60, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bank_sms() -> bytes:
    return sms_xml([("95588", ms(2015, 3, 18, 20, 40), DEBIT.format(amount="40,000.00"))]).encode()


@pytest.fixture
def case(tmp_path: Path) -> Path:
    return make_case(tmp_path, ("V001", "V002"))


def client(case: Path, **limits: int) -> TestClient:
    return TestClient(server.create_app(case, guard.Settings(**limits)))


def token(case: Path, victim: str = "V001", days: int = 30) -> str:
    made, _ = store.invite(case, victim, days, dt.datetime.now(dt.UTC))
    return made


def csrf(c: TestClient, tok: str) -> str:
    page = c.get(f"/v/{tok}")
    assert page.status_code == 200
    found = re.search(r'data-csrf="([0-9a-f]+)"', page.text)
    assert found
    return found.group(1)


def upload(c: TestClient, tok: str, name: str, data: bytes, *, chunk: int = 1 << 20,
           token_csrf: str | None = None) -> dict:
    headers = {"X-CSRF-Token": token_csrf or csrf(c, tok)}
    started = c.post(f"/v/{tok}/uploads", json={"name": name, "size": len(data),
                                                "sha256": sha(data)}, headers=headers)
    assert started.status_code == 201, started.text
    uid = started.json()["id"]
    for offset in range(0, len(data), chunk):
        put = c.put(f"/v/{tok}/uploads/{uid}?offset={offset}",
                    content=data[offset:offset + chunk], headers=headers)
        assert put.status_code == 200, put.text
    done = c.post(f"/v/{tok}/uploads/{uid}/finish", headers=headers)
    assert done.status_code == 200, done.text
    return done.json()


def records(case: Path, victim: str = "V001") -> list[dict]:
    return inventory.read_intake(case / "victims" / victim)


# ---- the victim's path through the API -----------------------------------------------------------


def test_upload_goes_through_the_library_intake_and_ticks_the_checklist(case):
    c = client(case)
    tok = token(case)
    page = c.get(f"/v/{tok}")
    assert "余某某" in page.text and "银行扣款短信或银行流水" in page.text
    ticks = dict(re.findall(r'data-key="(\w+)" class="(\w+)"', page.text))
    assert ticks["has_bank_debit"] == "missing"

    data = bank_sms()
    result = upload(c, tok, "sms-20150318.xml", data, chunk=100)  # many small chunks
    assert result["sha256"] == sha(data)
    assert [e["status"] for e in result["entries"]] == ["accepted"]
    assert {i["key"]: i["ok"] for i in result["checklist"]}["has_bank_debit"] is True

    # read back what the core wrote: the file, its record, the audit line
    (record,) = records(case)
    assert record["original_path"] == "sms-20150318.xml" and record["sha256"] == sha(data)
    stored = case / "victims/V001" / record["stored_path"]
    assert stored.read_bytes() == data
    audit = [json.loads(line) for line in (case / store.AUDIT).read_text().splitlines()]
    assert [(a["event"], a["victim"], a["file"], a["sha256"], a["size"]) for a in audit] == [
        ("stored", "V001", "sms-20150318.xml", sha(data), len(data))]
    assert audit[0]["client"] and audit[0]["time"]
    ticks = dict(re.findall(r'data-key="(\w+)" class="(\w+)"', c.get(f"/v/{tok}").text))
    assert ticks["has_bank_debit"] == "ok"
    spool = sorted(p.suffix for p in (case / intake.INBOX).iterdir())
    assert spool == [".done"]  # the bytes are gone from the spool; the answer is kept a day


def test_a_zip_upload_is_unpacked_by_intake_with_its_refusals(case):
    c = client(case)
    tok = token(case)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("截图/订单.png", png())
        z.writestr("../../escape.txt", b"evil")
        z.writestr("empty.png", b"")
    result = upload(c, tok, "材料.zip", buf.getvalue())
    verdict = {e["name"]: (e["status"], e["reason"]) for e in result["entries"]}
    assert verdict["截图/订单.png"][0] == "accepted"
    assert verdict["../../escape.txt"][0] == "rejected" and "../" in verdict["../../escape.txt"][1]
    assert verdict["empty.png"][0] == "rejected"  # the reason `evidence check` gives
    assert not (case.parent / "escape.txt").exists() and not (case / "escape.txt").exists()
    assert {r.get("submission") for r in records(case)} == {"材料.zip"}


def test_rejection_reasons_are_those_of_evidence_check(case):
    c = client(case)
    tok = token(case)
    result = upload(c, tok, "notes.bin", b"\x00\x01 not evidence")
    (entry,) = result["entries"]
    runner = CliRunner()
    checked = runner.invoke(cli.app, ["check", str(case), "--victim", "V001", "--json"])
    files = json.loads(checked.output)["victims"][0]["files"]
    assert entry["status"] == "rejected" and entry["reason"] == files[0]["reason"]


def test_resume_after_a_dropped_connection(case):
    c = client(case)
    tok = token(case)
    data = png("blue", (400, 300))
    headers = {"X-CSRF-Token": csrf(c, tok)}
    uid = c.post(f"/v/{tok}/uploads", json={"name": "a.png", "size": len(data)},
                 headers=headers).json()["id"]
    assert c.put(f"/v/{tok}/uploads/{uid}?offset=0", content=data[:500],
                 headers=headers).status_code == 200
    # the browser lost the answer and resends from 0: told where the server is
    again = c.put(f"/v/{tok}/uploads/{uid}?offset=0", content=data[:500], headers=headers)
    assert again.status_code == 409 and again.json()["offset"] == 500
    # a new server process (restart) still knows the upload
    c2 = client(case)
    assert c2.get(f"/v/{tok}/uploads/{uid}").json()["received"] == 500
    assert c2.post(f"/v/{tok}/uploads/{uid}/finish", headers=headers).status_code == 409
    assert c2.put(f"/v/{tok}/uploads/{uid}?offset=500", content=data[500:],
                  headers=headers).status_code == 200
    assert c2.post(f"/v/{tok}/uploads/{uid}/finish", headers=headers).json()["sha256"] == sha(data)
    assert [r["sha256"] for r in records(case)] == [sha(data)]
    # the finish's answer was lost on the way: asking again gives the same verdict, once
    again = c2.post(f"/v/{tok}/uploads/{uid}/finish", headers=headers)
    assert again.status_code == 200 and again.json()["entries"][0]["status"] == "accepted"
    assert [r["sha256"] for r in records(case)] == [sha(data)]
    other = token(case, "V002")  # and it is nobody else's to ask for
    assert c2.post(f"/v/{other}/uploads/{uid}/finish",
                   headers={"X-CSRF-Token": csrf(c2, other)}).status_code == 404


def test_a_corrupted_upload_is_refused_by_its_hash(case):
    c = client(case)
    tok = token(case)
    headers = {"X-CSRF-Token": csrf(c, tok)}
    uid = c.post(f"/v/{tok}/uploads", json={"name": "a.png", "size": 4, "sha256": sha(b"abcd")},
                 headers=headers).json()["id"]
    c.put(f"/v/{tok}/uploads/{uid}?offset=0", content=b"abXd", headers=headers)
    done = c.post(f"/v/{tok}/uploads/{uid}/finish", headers=headers)
    assert done.status_code == 422 and "损坏" in done.json()["error"]
    assert records(case) == []


def test_receipt_page_and_pdf(case):
    c = client(case)
    tok = token(case)
    assert c.get(f"/v/{tok}/receipt.pdf").status_code == 404  # nothing received yet
    assert not (case / "victims/V001/receipt.pdf").exists()
    data = png()
    upload(c, tok, "订单截图.png", data)
    page = c.get(f"/v/{tok}/receipt")
    assert sha(data) in page.text and "订单截图.png" in page.text and "诈骗电话" not in page.text
    pdf = c.get(f"/v/{tok}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    path = case.parent / "r.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "订单截图.png" in text and sha(data)[:32] in text


def test_english_case_gets_the_english_page(tmp_path):
    case = make_case(tmp_path, ("V001",), language="en")
    c = client(case)
    page = c.get(f"/v/{token(case)}")
    assert 'lang="en"' in page.text and "Send your evidence" in page.text


# ---- security and limits -----------------------------------------------------------------------


def test_guessed_tokens_are_refused_then_rate_limited(case):
    c = client(case, guesses=5)
    real = token(case)
    for _ in range(5):
        r = c.get("/v/" + "A" * 43)
        assert r.status_code == 404 and "无效" in r.text
    assert c.get("/v/" + "B" * 43).status_code == 429
    assert c.get(f"/v/{real}").status_code == 429  # this address is blocked for a while


def test_expired_and_revoked_tokens(case):
    c = client(case)
    old, _ = store.invite(case, "V001", 1, NOW - dt.timedelta(days=2))
    assert c.get(f"/v/{old}").status_code == 404
    live = token(case)
    assert c.get(f"/v/{live}").status_code == 200
    result = CliRunner().invoke(cli.app, ["invite", str(case), "--victim", "V001", "--revoke"])
    assert result.exit_code == 0 and "1 link(s) revoked" in result.output
    assert c.get(f"/v/{live}").status_code == 404
    saved = (case / store.WEB_DIR / store.INVITES).read_text()
    assert live not in saved and store.token_hash(live) in saved  # stored hashed


def test_invite_command_prints_a_working_link_and_writes_its_qr(case):
    result = CliRunner().invoke(cli.app, ["invite", str(case), "--victim", "V003",
                                          "--url", "https://evidence.example-law.cn", "--days", "3"])
    assert result.exit_code == 0, result.output
    link = result.output.splitlines()[0]
    assert link.startswith("https://evidence.example-law.cn/v/")
    qr = case / "invites/V003.png"
    assert qr.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and qr.stat().st_mode & 0o077 == 0
    tok = link.rsplit("/", 1)[1]
    assert client(case).get(f"/v/{tok}").status_code == 200  # a victim without a folder yet
    zxingcpp = pytest.importorskip("zxingcpp")
    (code,) = zxingcpp.read_barcodes(Image.open(qr))
    assert code.text == link  # the picture a phone scans opens this very link


def test_file_names_are_never_paths(case):
    c = client(case)
    tok = token(case)
    for i, name in enumerate(("../../../etc/passwd.png", "..\\..\\x.png", "/abs/y.png", "...",
                              "a\x00b.png")):
        upload(c, tok, name, png("green", (10 + i, 10)))
    stored = sorted(r["stored_path"] for r in records(case))
    assert all(p.startswith("originals/") and "/" not in p.removeprefix("originals/")
               for p in stored), stored
    assert not (case.parent / "etc").exists() and not list(case.parent.glob("x.png"))


def test_size_and_count_limits_answer_413_with_a_message(case):
    c = client(case, max_file=1000, max_victim=1050, max_files=3)
    tok = token(case)
    headers = {"X-CSRF-Token": csrf(c, tok)}
    big = c.post(f"/v/{tok}/uploads", json={"name": "big.m4a", "size": 5000}, headers=headers)
    assert big.status_code == 413 and "big.m4a" in big.json()["error"]
    upload(c, tok, "a.png", png("red", (20, 20)), token_csrf=headers["X-CSRF-Token"])
    full = c.post(f"/v/{tok}/uploads", json={"name": "b.m4a", "size": 999}, headers=headers)
    assert full.status_code == 413 and "上限" in full.json()["error"]
    # more bytes than announced are refused, and the file is not grown
    uid = c.post(f"/v/{tok}/uploads", json={"name": "c.png", "size": 10}, headers=headers).json()["id"]
    over = c.put(f"/v/{tok}/uploads/{uid}?offset=0", content=b"x" * 11, headers=headers)
    assert over.status_code == 413
    assert c.get(f"/v/{tok}/uploads/{uid}").json()["received"] == 0
    c.post(f"/v/{tok}/uploads", json={"name": "d.png", "size": 10}, headers=headers)
    many = c.post(f"/v/{tok}/uploads", json={"name": "e.png", "size": 10}, headers=headers)
    assert many.status_code == 413 and "数量" in many.json()["error"]


def test_csrf_is_required_on_every_state_change(case):
    c = client(case)
    tok = token(case)
    other = token(case, "V002")
    assert c.post(f"/v/{tok}/uploads", json={"name": "a.png", "size": 1}).status_code == 403
    wrong = {"X-CSRF-Token": csrf(c, other)}  # another page's token does not do
    assert c.post(f"/v/{tok}/uploads", json={"name": "a.png", "size": 1},
                  headers=wrong).status_code == 403
    uid = c.post(f"/v/{tok}/uploads", json={"name": "a.png", "size": 1},
                 headers={"X-CSRF-Token": csrf(c, tok)}).json()["id"]
    assert c.put(f"/v/{tok}/uploads/{uid}?offset=0", content=b"x").status_code == 403
    assert c.post(f"/v/{tok}/uploads/{uid}/finish").status_code == 403
    store.set_password(case, "correct horse battery")
    assert c.post("/admin/login", data={"password": "correct horse battery"}).status_code == 403


def test_another_victims_files_are_unreachable(case):
    c = client(case)
    mine, theirs = token(case, "V001"), token(case, "V002")
    upload(c, theirs, "secret-bank.png", png("black"))
    headers = {"X-CSRF-Token": csrf(c, theirs)}
    their_upload = c.post(f"/v/{theirs}/uploads", json={"name": "x.png", "size": 3},
                          headers=headers).json()["id"]
    for path in ("", "/receipt", "/status"):
        assert "secret-bank" not in c.get(f"/v/{mine}{path}").text
    assert c.get(f"/v/{mine}/uploads/{their_upload}").status_code == 404
    mine_csrf = {"X-CSRF-Token": csrf(c, mine)}
    assert c.put(f"/v/{mine}/uploads/{their_upload}?offset=0", content=b"abc",
                 headers=mine_csrf).status_code == 404
    # nothing else is served: no listing, no files by path
    for path in ("/", "/static/", "/static/../server.py", "/v/", "/.web/invites.json",
                 "/victims/V002/intake.json", "/admin/victim/V002/dossier.pdf"):
        r = c.get(path)
        assert r.status_code in (401, 403, 404) and "secret-bank" not in r.text, path


def test_headers_csp_and_no_referrer(case):
    r = client(case).get(f"/v/{token(case)}")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer" and r.headers["cache-control"] == "no-store"
    assert "<script>" not in r.text and not re.search(r"<[^>]+ on\w+=", r.text)  # no inline code


def test_admin_without_password_is_closed(case):
    c = client(case)
    r = c.get("/admin")
    assert r.status_code == 403 and "--set-password" in r.text
    assert c.post("/admin/build", data={"csrf": "x"}).status_code == 403
    assert c.get("/admin/victim/V001").status_code == 403


def login(c: TestClient, password: str) -> str:
    page = c.get("/admin")
    token_csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    r = c.post("/admin/login", data={"password": password, "csrf": token_csrf},
               follow_redirects=False)
    return str(r.status_code)


def test_admin_dashboard_shows_each_victim_and_files(case):
    store.set_password(case, "correct horse battery")
    c = client(case, logins=3)
    tok = token(case, "V001")
    token(case, "V009")  # invited, nothing sent
    upload(c, tok, "sms.xml", bank_sms())
    upload(c, tok, "broken.png", b"\x89PNG\r\n\x1a\n broken")
    assert login(c, "wrong") == "401"
    assert c.get("/admin/victim/V001").status_code == 401
    assert login(c, "correct horse battery") == "303"
    board = c.get("/admin").text
    rows = dict(re.findall(r'data-victim="(\w+)" class="(\w+)"', board))
    assert rows == {"V001": "problems", "V002": "not_invited", "V009": "invited"}
    one = c.get("/admin/victim/V001").text
    assert "sms.xml" in one and "broken.png" in one
    # guessing the password is stopped, even before the right one
    other = TestClient(c.app)
    for _ in range(3):
        login(other, "nope")
    assert login(other, "correct horse battery") == "429"


def test_admin_password_is_stored_as_scrypt(case):
    result = CliRunner().invoke(cli.app, ["serve", str(case), "--set-password"],
                                input="correct horse battery\ncorrect horse battery\n")
    assert result.exit_code == 0, result.output
    saved = (case / store.WEB_DIR / store.ADMIN).read_text()
    assert "correct horse" not in saved and '"scrypt"' in saved
    assert store.check_password(case, "correct horse battery")
    assert not store.check_password(case, "correct horse batterY")


# ---- the core under concurrent writers ---------------------------------------------------------


def test_concurrent_intakes_to_one_victim_keep_intake_json_whole(case, tmp_path):
    loaded, _ = config.load_case(case)
    sources = []
    for i in range(12):
        path = tmp_path / f"src{i}" / f"shot{i}.png"
        path.parent.mkdir()
        path.write_bytes(png("white", (20 + i, 20)))
        sources.append(path)
    barrier = threading.Barrier(len(sources))
    failures: list[BaseException] = []

    def run(path: Path) -> None:
        try:
            barrier.wait()
            intake.intake(path, loaded, "V001")
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    got = {r["original_path"]: r["sha256"] for r in records(case)}
    assert got == {p.name: sha(p.read_bytes()) for p in sources}


def test_two_uploads_at_once_through_the_server(case):
    c = client(case)
    tok = token(case)
    datas = [png("red", (300, 200)), png("blue", (300, 201))]
    results: list[dict] = []
    token_csrf = csrf(c, tok)
    threads = [threading.Thread(target=lambda i=i: results.append(
        upload(c, tok, f"shot{i}.png", datas[i], chunk=512, token_csrf=token_csrf)))
        for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    assert sorted(r["sha256"] for r in records(case)) == sorted(sha(d) for d in datas)


# ---- the lawyer's build button -------------------------------------------------------------------


def test_build_now_runs_the_cli_build_in_the_background(case):
    store.set_password(case, "correct horse battery")
    c = client(case)
    upload(c, token(case), "sms.xml", bank_sms())
    assert login(c, "correct horse battery") == "303"
    board = c.get("/admin").text
    form_csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', board).group(1)
    assert c.post("/admin/build", data={"csrf": "forged"}).status_code == 403
    started = c.post("/admin/build", data={"csrf": form_csrf}, follow_redirects=False)
    assert started.status_code == 303
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = c.get("/admin/build", headers={"Accept": "application/json"}).json()
        seen.append(state)
        if not state["running"]:
            break
        time.sleep(0.2)
    assert not seen[-1]["running"] and "失败 0 份" in seen[-1]["text"], seen[-1]
    board = c.get("/admin").text
    assert 'href="/admin/victim/V001/dossier.pdf"' in board
    pdf = c.get("/admin/victim/V001/dossier.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert (case / "out/V001/dossier.pdf").read_bytes() == pdf.content  # the CLI's output path
    assert c.get("/admin/bundle.pdf").content[:5] == b"%PDF-"
    events = [json.loads(line)["event"] for line in (case / store.AUDIT).read_text().splitlines()]
    assert events[-2:] == ["build_started", "build"]


def test_web_code_is_not_part_of_the_dossiers_tool_digest():
    web_probe = Path(server.__file__).with_name("_digest_probe.py")
    core_probe = Path(batch.__file__).with_name("_digest_probe.py")
    before = batch.tool_digest()
    try:
        web_probe.write_text("# a web-only change\n")
        batch.tool_digest.cache_clear()
        assert batch.tool_digest() == before  # no dossier is rebuilt for it
        core_probe.write_text("# a core change\n")
        batch.tool_digest.cache_clear()
        assert batch.tool_digest() != before
    finally:
        web_probe.unlink(missing_ok=True)
        core_probe.unlink(missing_ok=True)
        batch.tool_digest.cache_clear()


def test_intake_makes_the_file_and_its_record_durable_before_returning(case, tmp_path, monkeypatch):
    """What was acknowledged survives a power cut: the stored bytes, the new names in their
    folders and intake.json itself are fsynced before intake returns (and the page answers)."""
    synced: list[str] = []
    real_fsync = intake.os.fsync

    def spy(fd: int) -> None:
        synced.append(str(Path(f"/proc/self/fd/{fd}").readlink()))
        real_fsync(fd)

    monkeypatch.setattr(intake.os, "fsync", spy)
    monkeypatch.setattr("evidence.atomic.os.fsync", spy)
    source = tmp_path / "in" / "call.png"
    source.parent.mkdir()
    source.write_bytes(png())
    loaded, _ = config.load_case(case)
    intake.intake(source, loaded, "V001")
    folder = str((case / "victims/V001").resolve())
    assert any("/.intake-" in s and s.endswith("/entry") for s in synced)  # the copied bytes
    assert f"{folder}/originals" in synced  # the stored file's name
    assert any(s.endswith(".intake.json.partial") for s in synced)  # intake.json's bytes
    assert synced[-1] == folder  # the rename of intake.json, last of all


def test_the_web_layer_reaches_the_core_only_through_web_core():
    """One adapter (evidence/web/core.py) to repoint when the use cases move; the other web
    modules may name the core's error and model types, nothing else."""
    import ast

    allowed = {"evidence.errors", "evidence.model"}
    for path in sorted(Path(server.__file__).parent.glob("*.py")):
        if path.name == "core.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.startswith("evidence") and not name.startswith("evidence.web"):
                    assert name in allowed, f"{path.name} imports {name}; go through web/core.py"


def test_a_broken_zip_is_refused_in_the_victims_words_and_the_device_time_is_kept(case):
    c = client(case)
    tok = token(case)
    headers = {"X-CSRF-Token": csrf(c, tok)}
    uid = c.post(f"/v/{tok}/uploads", json={"name": "材料.zip", "size": 9}, headers=headers).json()["id"]
    c.put(f"/v/{tok}/uploads/{uid}?offset=0", content=b"not a zip", headers=headers)
    done = c.post(f"/v/{tok}/uploads/{uid}/finish", headers=headers)
    assert done.status_code == 422 and "材料.zip" in done.json()["error"]
    assert ".inbox" not in done.json()["error"] and uid not in done.json()["error"]
    assert records(case) == []
    # a file's time on the phone (File.lastModified) is what intake.json records
    data = png()
    uid = c.post(f"/v/{tok}/uploads", json={"name": "a.png", "size": len(data),
                                            "modified": 1426680300000}, headers=headers).json()["id"]
    c.put(f"/v/{tok}/uploads/{uid}?offset=0", content=data, headers=headers)
    c.post(f"/v/{tok}/uploads/{uid}/finish", headers=headers)
    assert records(case)[0]["modified"] == "2015-03-18T12:05:00+00:00"
