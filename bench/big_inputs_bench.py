"""issue 23: bounded time and memory on hostile-sized inputs, each made here (nothing committed).

    python3 bench/big_inputs_bench.py                 # all; about 5 min on 2 cores
    python3 bench/big_inputs_bench.py --only sms_xml --mb 260
    python3 bench/big_inputs_bench.py --only ios_sms --messages 60000
    python3 bench/big_inputs_bench.py --only amr --mb 50

* `sms_xml`: an SMS Backup & Restore file of MB megabytes (short messages, ~330 bytes a
  record, 300 correspondents, one message in five a bank notice, one MMS with a 200 KB picture
  every 2,000) -> `evidence check`, `evidence timeline --format json` and `evidence build
  --victim V001` wall time, CPU seconds and peak RSS (the process and its children, sampled
  every 0.1 s). `--commands build` runs only the build.
* `ios_sms`: an iOS sms.db of N messages whose chat_message_join has NO index -> `timeline`.
* `amr`: an .amr of MB megabytes whose frames alternate between two modes -> `check`.

Targets (issue 23): 260 MB XML in < 60 s and < 500 MB; 60k iOS messages in seconds, not minutes;
an audio file of any size in bounded time and memory.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASE_TOML = """[case]
title = "bench"
timezone = "Asia/Shanghai"
bates_prefix = "JD"
language = "zh-Hans"
"""


def measure(args: list[str]) -> tuple[float, float, int, float]:
    """(seconds, peak RSS in MB over the process tree, exit code, CPU seconds user+sys) of
    `evidence ARGS`. CPU time as well as wall: on a shared machine wall time moves with the
    other processes' load, CPU time much less."""
    import resource

    import psutil

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from cli import app; "
                             "sys.argv[0] = 'evidence'; app()", *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = proc.wait()
    done.set()
    thread.join()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = (cpu.ru_utime - cpu_before.ru_utime) + (cpu.ru_stime - cpu_before.ru_stime)
    return time.perf_counter() - started, peak / 2**20, code, cpu_seconds


def case_with(root: Path, rel: str) -> tuple[Path, Path]:
    case = root / "case"
    target = case / "victims" / "V001" / "originals" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    (case / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    (case / "victims" / "V001" / "victim.toml").write_text(
        '[victim]\nname = "甲"\nphone = "13912345678"\nclaimed_loss = "1.00"\n', encoding="utf-8")
    return case, target


def sms_xml(path: Path, megabytes: int) -> int:
    picture = base64.b64encode(os.urandom(150_000)).decode()
    n = 0
    with path.open("w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"0\">\n")
        while f.tell() < megabytes * 2**20:
            n += 1
            ms = 1420000000000 + n * 37_000
            if n % 2000 == 0:
                f.write(f'  <mms date="{ms}" msg_box="1" address="1065{n % 997}" m_type="132">'
                        f'<parts><part ct="image/jpeg" name="p{n}.jpg" data="{picture}" />'
                        f'<part ct="text/plain" text="图片{n}" /></parts>'
                        f'<addrs><addr address="1065{n % 997}" type="137" /></addrs></mms>\n')
                continue
            # a phone's mix: a few hundred correspondents, one message in five from a bank
            body = (f"您尾号{n % 10000:04d}的卡于3月18日消费{n % 900 + 10}.00元，验证码{n % 999999:06d}"
                    if n % 5 == 0 else f"晚上一起吃饭吗？我在老地方等你，第{n}条消息，收到请回复好的")
            sender = f"9558{n % 7:07d}" if n % 5 == 0 else f"1370{n % 300:07d}"
            f.write(f'  <sms protocol="0" address="{sender}" date="{ms}" type="{1 + n % 2}" '
                    f'subject="null" body="{body}" toa="null" sc_toa="null" service_center="null" '
                    f'read="1" status="-1" locked="0" date_sent="0" readable_date="2015年3月18日" '
                    f'contact_name="(Unknown)" />\n')
        f.write("</smses>\n")
    return n


def ios_db(path: Path, messages: int) -> None:
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT);
        CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, chat_identifier TEXT, service_name TEXT);
        CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER,
            service TEXT, date INTEGER, date_read INTEGER, date_delivered INTEGER,
            is_from_me INTEGER, is_sent INTEGER, is_delivered INTEGER, is_read INTEGER,
            cache_roomnames TEXT, attributedBody BLOB, item_type INTEGER, associated_message_type INTEGER);
        CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);  -- no index
        CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
    """)
    con.executemany("INSERT INTO handle VALUES (?,?,?)",
                    [(i, f"+86137{i:08d}", "SMS") for i in range(1, 201)])
    con.executemany("INSERT INTO chat VALUES (?,?,?)",
                    [(i, f"+86137{i:08d}", "SMS") for i in range(1, 201)])
    base = (1426680725 - 978307200) * 10**9
    con.executemany(
        "INSERT INTO message VALUES (?,?,?,?,?,?,0,0,?,0,1,1,NULL,NULL,0,0)",
        [(i, f"G{i}", f"第{i}条短信", 1 + i % 200, "SMS", base + i * 10**9, i % 2)
         for i in range(1, messages + 1)])
    con.executemany("INSERT INTO chat_message_join VALUES (?,?)",
                    [(1 + i % 200, i) for i in range(1, messages + 1)])
    con.executemany("INSERT INTO chat_handle_join VALUES (?,?)", [(i, i) for i in range(1, 201)])
    con.commit()
    con.close()


def amr(path: Path, megabytes: int) -> None:
    # AMR-NB frame sizes by mode (header byte = mode << 3 | 0x04); alternate 12.2k and 4.75k
    sizes = {7: 32, 0: 13}
    with path.open("wb") as f:
        f.write(b"#!AMR\n")
        mode = 7
        while f.tell() < megabytes * 2**20:
            f.write(bytes([mode << 3 | 0x04]) + b"\x55" * (sizes[mode] - 1))
            mode = 0 if mode == 7 else 7


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["sms_xml", "ios_sms", "amr"])
    ap.add_argument("--mb", type=int, default=0)
    ap.add_argument("--messages", type=int, default=60_000)
    ap.add_argument("--commands", nargs="*", choices=["check", "timeline", "build"],
                    help="sms_xml: only these commands (default: all three)")
    opts = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="evidence-big-") as tmp:
        root = Path(tmp)
        if opts.only in (None, "sms_xml"):
            mb = opts.mb or 260
            case, target = case_with(root / "xml", "SMSBackupRestore/sms-20150320103000.xml")
            n = sms_xml(target, mb)
            commands = (("check", ["check", str(case)]),
                        ("timeline", ["timeline", str(case), "--victim", "V001", "--format", "json"]),
                        ("build", ["build", str(case), "--victim", "V001", "--out", str(root / "out")]))
            for name, args in (c for c in commands if not opts.commands or c[0] in opts.commands):
                s, rss, code, cpu = measure(args)
                results.append({"input": f"sms xml {mb} MB ({n:,} records)", "command": name,
                                "seconds": round(s, 1), "cpu_seconds": round(cpu, 1),
                                "peak_rss_mb": round(rss), "exit": code})
        if opts.only in (None, "ios_sms"):
            case, target = case_with(root / "ios", "Library/SMS/sms.db")
            ios_db(target, opts.messages)
            s, rss, code, cpu = measure(["timeline", str(case), "--victim", "V001", "--format", "json"])
            results.append({"input": f"iOS sms.db, {opts.messages:,} messages, no join index",
                            "command": "timeline", "seconds": round(s, 1), "cpu_seconds": round(cpu, 1),
                            "peak_rss_mb": round(rss), "exit": code})
        if opts.only in (None, "amr"):
            mb = opts.mb or 50
            case, target = case_with(root / "amr", "Recordings/call-20150318201500.amr")
            amr(target, mb)
            s, rss, code, cpu = measure(["check", str(case)])
            results.append({"input": f"AMR {mb} MB, alternating frame modes", "command": "check",
                            "seconds": round(s, 1), "cpu_seconds": round(cpu, 1),
                            "peak_rss_mb": round(rss), "exit": code})
    for r in results:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
