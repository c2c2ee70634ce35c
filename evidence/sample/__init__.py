"""A synthetic joint case modelled on the 3·18 JD.com fraud, with its ground truth.

`generate` writes case.toml, victims/<id>/victim.toml and each victim's phone files under
victims/<id>/originals/ in the real export formats (the generator writes files; it never
bypasses the parsers), plus CASE/ground_truth.json, which lies outside every victim folder
so it is never taken for evidence. Same seed, same bytes: no clock, no unseeded randomness,
file times set from the scenario.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import hashlib
import json
import os
import random
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from evidence import errors, phones
from evidence.render import statement
from evidence.sample import audio, csv_export, fraud, images, messy, sms_xml

SCALES = tuple(fraud.SCALES)
GROUND_TRUTH = "ground_truth.json"
BACKUP = dt.datetime(2015, 3, 26, 10, 15, 30, tzinfo=fraud.TZ)  # when the victims exported their phones
CASE_TOML = """[case]
title = {title}
court = "北京市朝阳区人民法院"
counsel = "北京市某律师事务所 张律师"
defendant = "北京某电子商务有限公司"
timezone = "Asia/Shanghai"
bates_prefix = "JD"
language = "zh-Hans"
"""


@dataclasses.dataclass(frozen=True)
class GroundTruth:
    folder: Path
    data: Mapping[str, Any]  # exactly what ground_truth.json holds

    @property
    def victims(self) -> list[dict[str, Any]]:
        return list(self.data["victims"])

    def victim(self, victim_id: str) -> dict[str, Any]:
        return next(v for v in self.data["victims"] if v["id"] == victim_id)


def _s(value: object) -> str:
    """A TOML basic string (JSON string escapes are valid TOML)."""
    return json.dumps(str(value), ensure_ascii=False)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


def _money(d: Decimal | None) -> str | None:
    return None if d is None else f"{d:.2f}"


class _Writer:
    """Writes one victim's files and records what each should yield."""

    def __init__(self, folder: Path, plan: fraud.VictimPlan) -> None:
        self.folder = folder
        self.plan = plan
        self.files: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.rng = random.Random(f"{plan.seed}:{plan.index}:files")

    def put(self, rel: str, data: bytes, when: dt.datetime, kind: str, status: str = "accepted",
            **extra: str) -> str:
        path = self.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        stamp = when.timestamp()
        os.utime(path, (stamp, stamp))
        entry = {"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "kind": kind,
                 "status": status, **extra}
        self.files.append(entry)
        return rel

    def event(self, kind: str, time: dt.datetime, path: str, locator: str, *, amount: Decimal | None = None,
              direction: str | None = None, counterparty: str | None = None, basis: str = "exact",
              **details: str | int | None) -> None:
        self.events.append({
            "kind": kind, "time": _iso(time), "basis": basis, "amount": _money(amount), "direction": direction,
            "counterparty": counterparty, "source": {"path": path, "locator": locator},
            **{k: v for k, v in details.items() if v is not None},
        })


def _recording_name(fmt: str, call: fraud.Call, index: int) -> str:
    n, t = call.number, call.time
    if fmt == "amr":
        if index % 8 < 4:
            return f"Sounds/CallRecord/{n}_{t:%Y%m%d%H%M%S}.amr"  # Huawei EMUI 8
        return f"Record/Call/{n} {t:%Y-%m-%d %H-%M-%S}.amr"  # vivo
    if fmt == "mp3":
        return f"MIUI/sound_recorder/call_rec/{n}({n})_{t:%Y%m%d%H%M%S}.mp3"  # Xiaomi MIUI 12+
    if fmt == "m4a":
        return f"Recordings/Call/Call recording {n}_{t:%y%m%d_%H%M%S}.m4a"  # Samsung One UI
    return f"Recorder/{n}_{t:%Y%m%d%H%M%S}.wav"


def _shot_name(shot: fraud.Shot) -> str:
    t = shot.time
    return {
        "png_compact": f"Pictures/Screenshots/Screenshot_{t:%Y%m%d-%H%M%S}.png",
        "png_dashed": f"DCIM/Screenshots/Screenshot_{t:%Y-%m-%d-%H-%M-%S}.png",
        "wechat": f"Tencent/WeiXin/微信图片_{t:%Y%m%d%H%M%S}.jpg",
        "camera": f"DCIM/Camera/IMG_{t:%Y%m%d_%H%M%S}.jpg",
    }[shot.style]


def _scenes(plan: fraud.VictimPlan) -> dict[str, images.Screen]:
    """The victim's four screens, drawn once; each screenshot adds its own clock and stamp."""
    p = plan.person
    phish = next(m for m in plan.msgs if m.kind == "phishing")
    url = next(w for w in phish.body.split() if "://" in w)
    fraud_msgs = [m for m in plan.msgs if m.kind != "sms"][::-1]
    when = plan.shots[-1].time
    refund_rows = [("", value, "") for value in (
        plan.orders[0].id, p.name, p.id_number[:6] + "********" + p.id_number[-4:], p.card[:6] + "******" + p.card[-4:],
        p.phone[:3] + "****" + p.phone[-4:], "")]
    sms_rows = [(m.address, m.body, f"{m.time:%m-%d %H:%M}") for m in fraud_msgs]
    bank_rows = [(t.summary, t.counterparty, f"{'-' if t.direction == 'debit' else '+'}{t.amount:,.2f}")
                 for t in plan.txns[::-1]]
    call_rows = [(c.contact or c.number, "呼入" if c.type == 1 else "呼出" if c.type == 2 else "未接",
                  f"{c.time:%m-%d %H:%M}") for c in plan.calls[::-1]]
    return {
        "refund": images.Screen(images.screen("refund", "", phish.time, refund_rows, plan.id, header=url)),
        "sms": images.Screen(images.screen("sms", "信息", when, sms_rows, plan.id)),
        "bank": images.Screen(images.screen("bank", f"{p.bank.short}手机银行 交易明细", when, bank_rows, plan.id)),
        "calls": images.Screen(images.screen("calls", "通话记录", when, call_rows, plan.id)),
    }


def _victim_toml(plan: fraud.VictimPlan, refund_shot: str | None, police_shot: str | None = None) -> str:
    p = plan.person
    o = plan.orders[0]
    city = p.region.split("省")[-1]
    lines = [
        "[victim]", f"name = {_s(p.name)}", f"region = {_s(p.region)}", f"phone = {_s(p.phone)}",
        f"id_number = {_s(p.id_number)}", f"cards = [{_s(p.card)}]", f"claimed_loss = {_s(f'{plan.claimed_loss:.2f}')}",
        "", "[[orders]]", f"id = {_s(o.id)}", f"placed = {_s(f'{o.placed:%Y-%m-%d %H:%M}')}", f"item = {_s(o.item)}",
        f"amount = {_s(f'{o.amount:.2f}')}", f"channel = {_s(o.channel)}",
        "", "[compensation]", f"status = {_s(plan.status)}", f"amount_paid = {_s(f'{plan.amount_paid:.2f}')}",
        "", "[[events]]", f"time = {_s(f'{plan.police_report:%Y-%m-%d %H:%M}')}", 'kind = "police_report"',
        f"summary = {_s(f'向{city}公安局报案，取得受案回执')}",
    ]
    if refund_shot:
        lines += ["", f"[exhibits.{_s('originals/' + refund_shot)}]", 'purpose = "证明诈骗者发送仿冒京东退款页面"']
    if police_shot:  # what the lawyer types for a photo the tool cannot read (issue 17)
        lines += ["", f"[exhibits.{_s('originals/' + police_shot)}]", 'fact = "report"']
    return "\n".join(lines) + "\n"


def write_victim(case_dir: Path, plan: fraud.VictimPlan) -> dict[str, Any]:
    """All files of one victim; returns the victim's ground truth. Runs in a worker process."""
    vdir = case_dir / "victims" / plan.id
    w = _Writer(vdir, plan)
    rng = w.rng
    backup = BACKUP + dt.timedelta(minutes=plan.index)
    o = "originals/"

    # messages
    if plan.sms_format == "xml":
        rel = w.put(f"{o}SMSBackupRestore/sms-{backup:%Y%m%d%H%M%S}.xml", sms_xml.sms_xml(plan.msgs, backup, rng),
                    backup, "sms_backup")
        locator = "sms[{}]"
    else:
        rel = w.put(f"{o}导出/短信记录_{backup:%Y%m%d}.csv", csv_export.sms_gbk(plan.msgs), backup, "sms_export",
                    encoding="gbk")
        locator = "row {}"
    for i, m in enumerate(plan.msgs):
        w.event(m.kind, m.time, rel, locator.format(i if plan.sms_format == "xml" else i + 2),
                amount=m.amount, direction=m.direction, counterparty=m.address, domain=m.domain,
                zone_assumed=None if plan.sms_format == "xml" else "true")
    # calls
    if plan.calls_format == "xml":
        rel = w.put(f"{o}SMSBackupRestore/calls-{backup:%Y%m%d%H%M%S}.xml",
                    sms_xml.calls_xml(plan.calls, backup, rng), backup, "call_log")
    else:
        rel = w.put(f"{o}iMazing/Call History.csv", csv_export.calls_imazing(plan.calls), backup, "call_log")
    types = {1: "incoming", 2: "outgoing", 3: "missed", 5: "rejected"}
    for i, c in enumerate(plan.calls):
        call_type = types[c.type] if plan.calls_format == "xml" or c.type != 5 else "missed"
        w.event("call", c.time, rel, f"call[{i}]" if plan.calls_format == "xml" else f"row {i + 2}",
                counterparty=c.number, duration_s=c.duration, call_type=call_type, fraud="true" if c.fraud else None)
    # recordings
    for c in plan.calls:
        if c.recording:
            name = _recording_name(c.recording, c, plan.index)
            rel = w.put(o + name, audio.WRITERS[c.recording](c.duration), c.time + dt.timedelta(seconds=c.duration),
                        "recording")
            w.event("recording", c.time, rel, "file", counterparty=c.number, basis="filename",
                    duration_s=c.duration, matched_call_time=_iso(c.time))
    # screenshots and photos
    scenes = _scenes(plan)
    refund_shot = police_shot = None
    shot_files: list[str] = []
    for k, shot in enumerate(plan.shots):
        name = _shot_name(shot)
        stamp = f"{plan.id}·{k}"
        if shot.scene == "photo":
            p = plan.person
            img = images.photo(("受案回执", f"报案人：{p.name}",
                                f"报案时间：{plan.police_report:%Y年%m月%d日 %H时%M分}",
                                "案由：冒充京东客服网络诈骗", f"涉案金额：{plan.debit_total:,.2f}元",
                                f"接报单位：{p.region}公安局"), stamp)
            data = images.jpeg(img, shot.time)
        elif shot.style.startswith("png"):
            data = scenes[shot.scene].png(shot.time, stamp)
        else:
            data = scenes[shot.scene].jpeg(shot.time, stamp)
        # Agreed rule (evidence/sources/image.py): only PNGs are screenshots by shape; a chat-app
        # JPEG stays a photo even when its pixels are a screenshot.
        kind = "screenshot" if shot.style.startswith("png") else "photo"
        rel = w.put(o + name, data, shot.time, kind)
        shot_files.append(rel)
        if shot.scene == "refund" and refund_shot is None:
            refund_shot = name
        if shot.scene == "photo" and police_shot is None:
            police_shot = name
        w.event(kind, shot.time, rel, "file", basis="exif" if shot.style == "camera" else "filename")
    # statements
    bank_name = plan.person.bank.short
    months = ((2, 3) if plan.statements >= 2 else (3,))
    for month in months:
        rows = [t for t in plan.txns if t.time.month == month]
        start = dt.date(2015, month, 1)
        end = dt.date(2015, month + 1, 1) - dt.timedelta(days=1)
        printed = backup + dt.timedelta(hours=2, minutes=month)
        doc = statement.Statement(
            bank=phones.BANKS[plan.person.bank.code], holder=plan.person.name,
            card=plan.person.card, start=start, end=end, printed=printed.replace(tzinfo=None),
            rows=[statement.Row(t.time.replace(tzinfo=None), t.summary,
                                -t.amount if t.direction == "debit" else t.amount, t.balance, t.counterparty)
                  for t in rows])
        rel = w.put(f"{o}银行流水/{bank_name}账户明细_2015{month:02d}.pdf", statement.pdf(doc), printed,
                    "bank_statement")
        for line, t in enumerate(rows):
            page, row = divmod(line, statement.ROWS_PER_PAGE)  # 4 title/header lines above the rows
            w.event("transaction", t.time, rel, f"page {page + 1} line {row + 5}", amount=t.amount,
                    direction=t.direction,
                    fraud="true" if t.fraud else None)
    # the messy parts
    if "duplicate" in plan.messy and shot_files:
        first = next(f for f in w.files if f["path"] == shot_files[0])
        data = (vdir / shot_files[0]).read_bytes()
        ext = Path(shot_files[0]).suffix
        w.put(f"{o}Tencent/QQ_Images/QQ图片{plan.shots[0].time:%Y%m%d%H%M%S}{ext}", data, plan.shots[0].time,
              first["kind"], status="duplicate", duplicate_of=shot_files[0])
    if "corrupt_image" in plan.messy:
        when = plan.police_report + dt.timedelta(hours=1)
        data = images.truncated_jpeg(images.jpeg(images.photo(("银行卡照片",), plan.id), when))
        w.put(f"{o}DCIM/Camera/IMG_{when:%Y%m%d_%H%M%S}.jpg", data, when, "photo", status="rejected")
    if "unknown_file" in plan.messy:
        w.put(f"{o}其他/cache_0.bin", messy.unknown_bin(rng), backup, "unknown", status="rejected")
        w.put(f"{o}其他/情况说明.docx", messy.docx_like("情况说明"), backup, "unknown", status="rejected")
    if "zero_byte" in plan.messy:
        w.put(f"{o}其他/新建文本文档.txt", b"", backup, "unknown", status="rejected")
    (vdir / "victim.toml").write_text(_victim_toml(plan, refund_shot, police_shot), encoding="utf-8")
    os.utime(vdir / "victim.toml", (backup.timestamp(), backup.timestamp()))

    o0 = plan.orders[0]
    w.event("order", o0.placed, "victim.toml", "orders[0]", amount=o0.amount, basis="manual", id=o0.id)
    w.event("manual", plan.police_report, "victim.toml", "events[0]", basis="manual", manual_kind="police_report")
    w.events.sort(key=lambda e: (e["time"], e["kind"], e["source"]["path"], e["source"]["locator"]))
    w.files.sort(key=lambda f: f["path"])
    first_call = min(c.time for c in plan.calls if c.fraud and c.type in (1, 3))
    debits = [t for t in plan.txns if t.fraud]
    p = plan.person
    return {
        "id": plan.id, "name": p.name, "region": p.region, "phone": p.phone, "id_number": p.id_number,
        "card": p.card, "bank": p.bank.code,
        "orders": [{"id": o0.id, "placed": _iso(o0.placed), "item": o0.item, "amount": _money(o0.amount),
                    "channel": o0.channel}],
        "first_fraud_call": _iso(first_call),
        "order_to_call_minutes": round((first_call - o0.placed).total_seconds() / 60),
        "debits": [{"time": _iso(t.time), "amount": _money(t.amount), "channel": t.summary} for t in debits],
        "debit_total": _money(plan.debit_total),
        "all_debits_total": _money(sum((t.amount for t in plan.txns if t.direction == "debit"), Decimal(0))),
        "claimed_loss": _money(plan.claimed_loss),
        "claimed_matches_debits": plan.claimed_loss == plan.debit_total,
        "fraud_numbers": sorted(plan.fraud_numbers),
        "domains": sorted(plan.domains),
        "payment_channels": sorted({t.summary for t in debits}),
        "compensation": {"status": plan.status, "amount_paid": _money(plan.amount_paid)},
        "formats": {"sms": plan.sms_format, "calls": plan.calls_format},
        "files": w.files,
        "events": w.events,
    }


def _index(victims: list[dict[str, Any]], key: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for v in victims:
        for item in v[key]:
            found.setdefault(item, []).append(v["id"])
    return {k: sorted(found[k]) for k in sorted(found)}


def generate(case_dir: Path, victims: int = 12, seed: int = 318, scale: str = "small",
             jobs: int | None = None) -> GroundTruth:
    """Write the sample case into `case_dir` (which must be absent or empty)."""
    if scale not in fraud.SCALES:
        raise errors.UsageError(f"unknown scale {scale!r}; use one of: {', '.join(SCALES)}.")
    if victims < 1:
        raise errors.UsageError("--victims must be at least 1.")
    if case_dir.exists() and not case_dir.is_dir():
        raise errors.OutputError(f"{case_dir} is a file; give a new folder for the sample case.")
    if case_dir.exists() and any(case_dir.iterdir()):
        raise errors.OutputError(f"{case_dir} is not empty; choose a new folder for the sample case.")
    try:
        (case_dir / "victims").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.OutputError(f"cannot create {case_dir} ({exc.strerror}); choose a writable folder.") from exc
    plans = fraud.plan(victims, seed, scale)
    first = plans[0].person.name
    title = f"{first[0]}某某等{victims}人诉北京某电子商务有限公司网络购物合同纠纷"
    (case_dir / "case.toml").write_text(CASE_TOML.format(title=_s(title)), encoding="utf-8")
    # Worker processes pay off once there is real image work; an explicit `jobs` always applies.
    big = victims * (10 if scale == "realistic" else 1) >= 20
    workers = jobs if jobs is not None else (os.cpu_count() or 1) if big else 1
    if workers > 1 and victims > 1:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            truths = list(pool.map(write_victim, [case_dir] * len(plans), plans, chunksize=1))
    else:
        truths = [write_victim(case_dir, p) for p in plans]
    statuses = [v["compensation"]["status"] for v in truths]
    numbers = _index(truths, "fraud_numbers")
    domains = _index(truths, "domains")
    data: dict[str, Any] = {
        "generator": "evidence sample", "seed": seed, "scale": scale, "victim_count": victims,
        "timezone": "Asia/Shanghai",
        "numbers": numbers, "domains": domains,
        "shared_numbers": {k: v for k, v in numbers.items() if len(v) > 1},
        "shared_domains": {k: v for k, v in domains.items() if len(v) > 1},
        "compensation_counts": {s: statuses.count(s) for s in fraud.STATUSES},
        "debit_total": _money(sum((Decimal(v["debit_total"]) for v in truths), Decimal(0))),
        "victims": truths,
    }
    (case_dir / GROUND_TRUTH).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name in ("case.toml", GROUND_TRUTH):
        os.utime(case_dir / name, (BACKUP.timestamp(), BACKUP.timestamp()))
    return GroundTruth(case_dir, data)


def load(case_dir: Path) -> GroundTruth:
    return GroundTruth(case_dir, json.loads((case_dir / GROUND_TRUTH).read_text(encoding="utf-8")))
