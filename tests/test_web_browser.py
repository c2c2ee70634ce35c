"""The victim's page in a real browser: Debian's Chromium, driven by Playwright, on a real
`evidence serve` process. Opens an invite link on a phone-sized screen, uploads a zip and two
screenshots, sees the checklist change, downloads the receipt, and reads back intake.json."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette")
sync_api = pytest.importorskip("playwright.sync_api")
from conftest import make_case  # noqa: E402
from test_web import bank_sms, png, sha  # noqa: E402
from webserver import running  # noqa: E402

from evidence import inventory  # noqa: E402
from evidence.web import store  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--lang=zh-CN"]
# WeChat's in-app browser on Android: the page must work there
WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47")


def test_victim_uploads_through_the_real_page(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    started = time.monotonic()
    case = make_case(tmp_path, ("V001",))
    token, _ = store.invite(case, "V001", 30, dt.datetime.now(dt.UTC))
    files = tmp_path / "phone"
    files.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("短信/sms-20150318.xml", bank_sms())
        z.writestr("../outside.txt", b"x")
    (files / "导出.zip").write_bytes(buf.getvalue())
    (files / "订单截图.png").write_bytes(png("orange", (390, 800)))
    # a recording larger than one 4 MiB chunk (the recording reader refuses noise: rejected, with why)
    (files / "录音.m4a").write_bytes(os.urandom(5 << 20))
    (files / "聊天截图.png").write_bytes(png("teal", (390, 801)))

    with running(case) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844},
                                          device_scale_factor=1, is_mobile=True, has_touch=True,
                                          user_agent=WECHAT, accept_downloads=True,
                                          locale="zh-CN")
            page = context.new_page()
            page.goto(f"{base}/v/{token}")
            debit = page.locator('#checklist li[data-key="has_bank_debit"]')
            assert debit.get_attribute("class") == "missing"
            assert "银行扣款短信或银行流水" in debit.inner_text()

            # the phone's connection drops twice: once before a chunk reaches the server, once
            # after the server stored it but before its answer came back
            dropped: list[str] = []

            def flaky(route: sync_api.Route) -> None:
                if len(dropped) == 0:
                    dropped.append("before")
                    route.abort("connectionreset")
                elif len(dropped) == 1 and "offset=4194304" in route.request.url:
                    route.fetch()  # reaches the server...
                    dropped.append("after")
                    route.abort("connectionreset")  # ...the answer is lost
                else:
                    route.continue_()

            page.route("**/uploads/*?offset=*", flaky)
            page.set_input_files("#files", [str(files / n) for n in
                                            ("导出.zip", "订单截图.png", "聊天截图.png", "录音.m4a")])
            page.click("#send")
            page.wait_for_selector('body[data-idle="yes"] #progress li:nth-child(4)', timeout=12_000)

            rows = page.locator("#progress li")
            assert rows.count() == 4
            texts = [rows.nth(i).inner_text() for i in range(4)]
            assert "outside.txt" in texts[0] and "../" in texts[0]  # the zip's refused entry
            assert all("已收到" in t for t in texts[1:3]), texts
            assert "未能接收" in texts[3] and rows.nth(3).get_attribute("class") == "rejected"
            assert dropped == ["before", "after"]
            assert debit.get_attribute("class") == "ok"  # ticked from the zip's bank SMS
            received = page.locator("#received").inner_text()
            assert "订单截图.png" in received and "短信/sms-20150318.xml" in received
            if os.environ.get("EVIDENCE_SCREENSHOT"):  # docs/web-victim.png is made this way
                page.screenshot(path=os.environ["EVIDENCE_SCREENSHOT"], full_page=True)

            with page.expect_download() as download:
                page.click("#receipt-pdf")
            pdf = tmp_path / "receipt.pdf"
            download.value.save_as(pdf)
            page.click("#receipt")
            assert sha((files / "订单截图.png").read_bytes()) in page.locator("#files").inner_text()
        finally:
            browser.close()

    records = inventory.read_intake(case / "victims/V001")
    got = {r["original_path"]: r.get("sha256") for r in records}
    assert got == {"短信/sms-20150318.xml": sha(bank_sms()),
                   "订单截图.png": sha((files / "订单截图.png").read_bytes()),
                   "聊天截图.png": sha((files / "聊天截图.png").read_bytes()),
                   "录音.m4a": sha((files / "录音.m4a").read_bytes()),
                   "../outside.txt": None}
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "订单截图.png" in text and "聊天截图.png" in text and "录音.m4a" in text
    assert time.monotonic() - started < 20
