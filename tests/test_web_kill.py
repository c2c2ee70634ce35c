"""A killed server loses nothing it acknowledged, and an interrupted upload resumes after a
restart: a real `evidence serve` process, stopped with SIGKILL."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal

import pytest

pytest.importorskip("starlette")
httpx = pytest.importorskip("httpx")
psutil = pytest.importorskip("psutil")
from conftest import make_case  # noqa: E402
from test_web import png, sha  # noqa: E402
from webserver import free_port, start  # noqa: E402

from evidence import inventory  # noqa: E402
from evidence.web import store  # noqa: E402


def test_kill_loses_nothing_acknowledged_and_uploads_resume(tmp_path):
    case = make_case(tmp_path, ("V001",))
    token, _ = store.invite(case, "V001", 30, dt.datetime.now(dt.UTC))
    port = free_port()
    base = f"http://127.0.0.1:{port}/v/{token}"
    first, second = png("red", (500, 400)), os.urandom(300_000)
    proc = start(case, port)
    try:
        listening = {c.laddr for c in psutil.Process(proc.pid).net_connections("inet")
                     if c.status == psutil.CONN_LISTEN}
        assert listening == {("127.0.0.1", port)}  # loopback only, unless --host says otherwise
        with httpx.Client(timeout=10) as c:
            csrf = re.search(r'data-csrf="([0-9a-f]+)"', c.get(base).text).group(1)
            h = {"X-CSRF-Token": csrf}
            # one upload acknowledged...
            uid = c.post(f"{base}/uploads", json={"name": "a.png", "size": len(first)},
                         headers=h).json()["id"]
            c.put(f"{base}/uploads/{uid}?offset=0", content=first, headers=h)
            # through the firm's proxy on this machine: the victim's address is the one logged
            finish = c.post(f"{base}/uploads/{uid}/finish",
                            headers={**h, "X-Forwarded-For": "203.0.113.7"})
            assert finish.status_code == 200
            # ...and one half sent when the server dies
            uid2 = c.post(f"{base}/uploads", json={"name": "call.amr", "size": len(second),
                                                   "sha256": sha(second)}, headers=h).json()["id"]
            c.put(f"{base}/uploads/{uid2}?offset=0", content=second[:100_000], headers=h)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    records = inventory.read_intake(case / "victims/V001")
    assert [(r["original_path"], r["sha256"]) for r in records] == [("a.png", sha(first))]
    assert (case / "victims/V001" / records[0]["stored_path"]).read_bytes() == first

    proc = start(case, port)
    try:
        with httpx.Client(timeout=10) as c:
            assert c.get(f"{base}/uploads/{uid2}").json()["received"] == 100_000
            c.put(f"{base}/uploads/{uid2}?offset=100000", content=second[100_000:], headers=h)
            done = c.post(f"{base}/uploads/{uid2}/finish", headers=h)
            assert done.status_code == 200 and done.json()["sha256"] == sha(second)
    finally:
        proc.terminate()
        proc.wait()
    records = inventory.read_intake(case / "victims/V001")
    assert [r["sha256"] for r in records] == [sha(first), sha(second)]
    audit = (case / store.AUDIT).read_text().splitlines()
    assert len(audit) == 2 and sha(second) in audit[1]
    assert json.loads(audit[0])["client"] == "203.0.113.7"
    assert json.loads(audit[1])["client"] == "127.0.0.1"
