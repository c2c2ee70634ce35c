#!/usr/bin/env python3
"""How well `notices.classify` reads real bank / payment SMS, measured against hand labels.

    python3 bench/notices_eval.py                 # dev and test, aggregate figures
    python3 bench/notices_eval.py --split dev     # one split
    python3 bench/notices_eval.py --split dev --errors   # dev only: every message read wrong
    python3 bench/notices_eval.py --json          # the same figures as JSON
    python3 bench/notices_eval.py --data DIR      # splits from DIR/<split>/*.json instead

Data: `tests/data/bank_sms/<split>/*.json`, one JSON array per source, records as described in
tests/data/bank_sms/SCHEMA.md (labelled by hand before any parser ran on them). The `seed` split
is the project's older labelled set: the 76 real messages in ../shared/corpus/bank-sms and the
repo's own table tests/data/bank_sms_cases.json, mapped onto the same fields.

Per split it prints, for all messages and then for SMS and app-push/notification texts apart
(the record's `medium`: "sms" or "app_push"): per-field accuracy (kind, direction, amount, own tail, balance, bank),
amount + direction jointly, spurious debits (no money went out but a debit was counted) with
their sum, missed debits with their sum, needs-review counts, official domains flagged as
phishing, per-institution rows, and an END-TO-END check: the split's messages are written into a
real SMS Backup & Restore XML and a CSV export, read by the real source readers, put through
`timeline.build`, and the claimant's total debited is compared with the sum of labelled debits.

Exit status: 0 when every file was read (whatever the figures), 1 when a data file is
unreadable or malformed. The targets are asserted by tests/test_notices_eval.py on dev.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from evidence import extract, notices, timeline, times  # noqa: E402
from evidence.banksms import institutions  # noqa: E402
from evidence.model import Direction, EventKind, FileKind, SourceFile, Status, Victim  # noqa: E402
from evidence.sources import sms_backup, sms_csv  # noqa: E402

SH = times.zone("Asia/Shanghai")
DATA = REPO / "tests" / "data" / "bank_sms"
SHARED = REPO.parent / "shared" / "corpus" / "bank-sms" / "bank_sms_labelled.json"
CASES = REPO / "tests" / "data" / "bank_sms_cases.json"
# Messages whose source gives no receive time are anchored here (the year of a stated time is
# not scored; month/day/time are not scored either: the schema's `stated` is for later work).
ANCHOR = dt.datetime(2025, 6, 30, 12, 0, tzinfo=SH)
TARGETS = {"amount_direction": 0.99, "card_tail": 0.98, "spurious_debits": 0, "official_flagged": 0}
FIELDS = ("kind", "direction", "amount", "card_tail", "balance", "bank")
# A message whose source gives no sender (app notifications, quoted bodies) is read as sent by
# this SP number, which names no bank: a real export always has a sender, and this one vouches
# for nothing. The same sender is used per message and in the end-to-end files.
NO_SENDER = "10690000000"


class DataError(Exception):
    """A data file that cannot be read: the evaluation is not valid."""


# ---- loading ---------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation as exc:
        raise DataError(f"bad amount {value!r}") from exc


def load_split(split: str, data: Path | None = None) -> list[dict[str, Any]]:
    if split == "seed":
        return _seed()
    folder = (data or DATA) / split
    records: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"{path}: {exc}") from exc
        if not isinstance(data, list):
            raise DataError(f"{path}: not a JSON array")
        for i, r in enumerate(data):
            if not isinstance(r, dict) or not isinstance(r.get("body"), str) or "kind" not in r:
                raise DataError(f"{path}: record {i} lacks body/kind")
            records.append({**r, "_file": path.name})
    return records


def _seed() -> list[dict[str, Any]]:
    """The older labelled messages, mapped onto the schema's fields."""
    out: list[dict[str, Any]] = []
    if SHARED.exists():
        for i, c in enumerate(json.loads(SHARED.read_text(encoding="utf-8"))):
            received = (times.from_epoch_ms(int(c["received_ms"])).isoformat() if c["received_ms"] else None)
            kind = str(c["kind"])
            out.append({
                "id": f"shared-{i}", "source": c["source"], "sender": c["sender"], "received": received,
                "body": c["body"], "institution": c["bank"], "institution_type": "",
                "kind": kind, "direction": kind if kind in ("debit", "credit") else None,
                "amount": c["amount"], "currency": c["currency"], "card_tail": c["card_tail"],
                "balance": c["balance"], "domains": [], "domains_official": [], "_file": "shared",
            })
    for i, c in enumerate(json.loads(CASES.read_text(encoding="utf-8"))):
        e = c["expect"]
        direction = e.get("direction")
        category = e.get("category")
        kind = direction or {"verification_code": "otp"}.get(e.get("kind", ""), category or "other")
        if kind not in ("debit", "credit", "otp", "statement", "credit_limit", "failed"):
            kind = "other"
        amount = e.get("statement_total") if kind == "statement" else e.get("amount")
        domains = list(e.get("domains", []))
        out.append({
            "id": f"cases-{i}", "source": "tests/data/bank_sms_cases.json", "sender": c["sender"],
            "received": str(c["received"]).replace(":00+", "+") if str(c["received"]).count(":") > 3
            else c["received"], "body": c["body"], "institution": None, "institution_type": "",
            "kind": kind, "direction": direction, "amount": amount, "currency": e.get("currency", "CNY"),
            "card_tail": e.get("card_tail"), "balance": e.get("balance"),
            "domains": domains, "domains_official": [d for d in domains if kind != "other" or "10086" in d],
            "_file": "cases", "_no_tail": "card_tail" not in e, "_no_balance": "balance" not in e,
        })
    return out


# ---- one message -----------------------------------------------------------------------------


def _received(r: Mapping[str, Any]) -> dt.datetime:
    text = r.get("received")
    if not text:
        return ANCHOR
    try:
        t = dt.datetime.fromisoformat(str(text))
    except ValueError as exc:
        raise DataError(f"{r.get('id')}: bad received {text!r}") from exc
    return t if t.tzinfo else t.replace(tzinfo=SH)


def kind_of(n: notices.Notice) -> str:
    if n.needs_review:
        return "review"
    if n.category in (notices.Category.DEBIT, notices.Category.CREDIT, notices.Category.STATEMENT,
                      notices.Category.OTP, notices.Category.CREDIT_LIMIT, notices.Category.INSTALLMENT,
                      notices.Category.FAILED, notices.Category.REMINDER, notices.Category.PROMO):
        return n.category
    return "other"


def _name(text: Any) -> str:
    """An institution's name as compared: NFKC, without a note in brackets at the end (a label's
    `微众银行（微粒贷）`, `工商银行(冒充)`) and without 中国 before a bank other than 中国银行."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip()
    s = re.sub(r"\([^()]*\)$", "", s).strip()
    for prefix in ("中国",):
        if s.startswith(prefix) and s not in ("中国银行",) and len(s) > 4:
            s = s[len(prefix):]
    return s


def read(r: Mapping[str, Any]) -> dict[str, Any]:
    """What the reader makes of one labelled record, in the label's terms."""
    n = notices.classify(str(r["body"]), str(r.get("sender") or NO_SENDER), _received(r), SH)
    kind = kind_of(n)
    if kind == "statement":
        amount = n.statement_total
    elif kind in ("debit", "credit", "review", "otp"):
        amount = n.amount
    else:
        amount = None
    counted = (n.kind is EventKind.BANK_NOTICE and n.direction is Direction.DEBIT and not n.needs_review
               and n.amount is not None)
    return {
        "kind": kind, "direction": str(n.direction) if n.direction else None, "amount": amount,
        "card_tail": n.card_tail, "balance": n.balance, "bank": n.institution,
        "counted_debit": n.amount if counted and n.currency == "CNY" else None,
        "needs_review": n.needs_review, "flagged": {d for d, _ in n.phishing}, "code": n.code,
    }


# ---- scoring ---------------------------------------------------------------------------------


def _same(field: str, got: Any, want: Any) -> bool:
    if field in ("amount", "balance"):
        return got == _dec(want)
    if field == "bank":  # one institution under two of its names (a label's "Citi", the reader's 花旗银行)
        return _name(institutions.canonical(got) or got) == _name(institutions.canonical(want) or want)
    if field == "card_tail":
        return (got or None) == (str(want).lstrip("*") if want else None)
    if field == "kind" and want == "undecided":  # money moved, the text does not say which way
        return got == "review"
    return (got or None) == (want or None)


MEDIA = ("sms", "app_push")


def medium(r: Mapping[str, Any]) -> str:
    """"sms" or "app_push" (an app notification or payment card quoted as text); default sms."""
    return "app_push" if r.get("medium") == "app_push" else "sms"


def by_medium(records: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """The records of each medium, in order; every medium present, possibly empty."""
    return {m: [r for r in records if medium(r) == m] for m in MEDIA}


def evaluate(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    counts: dict[str, list[int]] = {f: [0, 0] for f in (*FIELDS, "amount_direction")}
    spurious: list[tuple[str, Decimal]] = []
    missed: list[tuple[str, Decimal]] = []
    review = 0
    official_flagged: list[tuple[str, str]] = []
    flagged_total = 0
    by_inst: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    errors: list[dict[str, Any]] = []
    for r in records:
        got = read(r)
        wrong: dict[str, tuple[Any, Any]] = {}
        money_moved = r["kind"] in ("debit", "credit")
        for field in FIELDS:
            if field in ("card_tail", "balance") and (not money_moved or r.get(f"_no_{field.split('_')[-1]}")):
                continue
            if field == "bank" and not r.get("institution"):
                continue
            counts[field][1] += 1
            if _same(field, got[field], r.get(field if field != "bank" else "institution")):
                counts[field][0] += 1
            else:
                wrong[field] = (r.get(field if field != "bank" else "institution"), got[field])
        want_dir = r.get("direction") or None
        want_amount = _dec(r.get("amount")) if want_dir else None
        got_amount = got["amount"] if got["direction"] else None
        joint = got["direction"] == want_dir and got_amount == want_amount
        counts["amount_direction"][1] += 1
        counts["amount_direction"][0] += joint
        if not joint:
            wrong["amount_direction"] = ((want_dir, want_amount), (got["direction"], got_amount))
        if got["counted_debit"] is not None and want_dir != "debit":
            spurious.append((str(r.get("id")), got["counted_debit"]))
        if want_dir == "debit" and got["counted_debit"] is None and r.get("currency", "CNY") == "CNY":
            missed.append((str(r.get("id")), want_amount or Decimal(0)))
        review += got["needs_review"]
        flagged_total += len(got["flagged"])
        for d in r.get("domains_official") or ():
            if d.lower() in got["flagged"]:
                official_flagged.append((str(r.get("id")), d))
        inst = by_inst[str(r.get("institution") or r.get("institution_type") or "?")]
        inst[0] += 1
        inst[1] += joint
        if money_moved:
            inst[2] += 1
            inst[3] += _same("card_tail", got["card_tail"], r.get("card_tail"))
        if wrong:
            errors.append({"id": r.get("id"), "medium": medium(r), "body": r["body"], "wrong": {
                k: [str(a), str(b)] for k, (a, b) in wrong.items()}})
    return {
        "messages": len(records),
        "fields": {k: {"right": v[0], "of": v[1], "rate": (v[0] / v[1]) if v[1] else None}
                   for k, v in counts.items()},
        "spurious_debits": {"count": len(spurious), "sum": str(sum((a for _, a in spurious), Decimal(0)))},
        "missed_debits": {"count": len(missed), "sum": str(sum((a for _, a in missed), Decimal(0)))},
        "needs_review": review,
        "domains_flagged": flagged_total,
        "official_flagged": len(official_flagged),
        "institutions": {k: {"messages": v[0], "amount_direction": v[1], "money_moved": v[2], "own_tail": v[3]}
                         for k, v in sorted(by_inst.items(), key=lambda kv: (-kv[1][0], kv[0]))},
        "_errors": errors, "_spurious": spurious, "_official": official_flagged,
    }


# ---- end to end: real files through the real readers ----------------------------------------


def _times(records: Sequence[Mapping[str, Any]]) -> list[dt.datetime]:
    """Each message's receive time; records without one get distinct times after the anchor."""
    out = []
    for i, r in enumerate(records):
        out.append(_received(r) if r.get("received") else ANCHOR + dt.timedelta(minutes=i))
    return out


def write_sbr(records: Sequence[Mapping[str, Any]], path: Path) -> None:
    rows = []
    for r, t in zip(records, _times(records), strict=True):
        ms = int(t.timestamp() * 1000)
        rows.append(f'  <sms protocol="0" address={quoteattr(str(r.get("sender") or NO_SENDER))} date="{ms}" type="1" '
                    f'subject="null" body={quoteattr(str(r["body"]))} toa="null" sc_toa="null" '
                    f'service_center="null" read="1" status="-1" locked="0" date_sent="0" '
                    f'readable_date="" contact_name="(Unknown)" />')
    path.write_text("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
                    f'<smses count="{len(rows)}">\n' + "\n".join(rows) + "\n</smses>\n", encoding="utf-8")


def write_csv(records: Sequence[Mapping[str, Any]], path: Path) -> None:
    import csv
    import io
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["date", "address", "contact_name", "type", "body"])
    for r, t in zip(records, _times(records), strict=True):
        w.writerow([int(t.timestamp() * 1000), r.get("sender") or NO_SENDER, "", "1", r["body"]])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def _source_file(path: Path, kind: FileKind) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path=path.name, abspath=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                      kind=kind, status=Status.ACCEPTED)


def _distinct(records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One record per (sender, receive time, body): the same SMS quoted twice (two source files
    quoting one message) is one message in a phone's export, and the readers count it once."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for r in records:
        if r.get("received"):
            key = (str(r.get("sender") or ""), str(r["received"]), str(r["body"]))
            if key in seen:
                continue
            seen.add(key)
        out.append(r)
    return out


def end_to_end(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    records = _distinct(records)
    truth = sum((_dec(r.get("amount")) or Decimal(0) for r in records
                 if r.get("direction") == "debit" and r.get("currency", "CNY") == "CNY"), Decimal(0))
    out: dict[str, Any] = {"labelled_debits": str(truth), "messages": len(records)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        victim = Victim(id="EVAL", folder=folder)
        ctx = extract.Context(tz=SH, lang="zh-Hans", victim=victim)
        for name, writer, module, kind in (("sms_backup_xml", write_sbr, sms_backup, FileKind.SMS_BACKUP),
                                           ("csv_export", write_csv, sms_csv, FileKind.SMS_EXPORT)):
            path = folder / ("sms-eval.xml" if kind is FileKind.SMS_BACKUP else "sms-eval.csv")
            writer(records, path)
            events, _issues = module.read(_source_file(path, kind), ctx)
            tl = timeline.build(events, victim, ctx)
            total = tl.facts.total_debited
            copies = [e for e in tl.events if e.details.get("balance_check") == "duplicate"]
            # a platform's notice of a payment a bank's notice also reports (evidence/movements.py)
            repeats = {(i.path, i.locator) for i in tl.issues if i.code == "same_movement"}
            echoes = [e for e in tl.events if (e.source.path, e.source.locator) in repeats]
            # a debit a later reversal or refund of the same amount returned to the same card
            undone = {(i.path, i.locator) for i in tl.issues if i.code == "returned_debit"}
            returned = [e for e in tl.events if (e.source.path, e.source.locator) in undone]
            out[name] = {"events": len(events), "total_debited": str(total),
                         "error": f"{(total - truth) / truth:+.1%}" if truth else None,
                         "balance_issues": sum(1 for i in tl.issues if i.code.startswith("balance_")),
                         "copies_withheld": len(copies),
                         "copies_sum": str(sum((e.amount or Decimal(0) for e in copies), Decimal(0))),
                         "echoes": len(echoes),
                         "echoes_sum": str(sum((e.amount or Decimal(0) for e in echoes), Decimal(0))),
                         "returned": len(returned),
                         "returned_sum": str(sum((e.amount or Decimal(0) for e in returned), Decimal(0)))}
    return out


# ---- report ----------------------------------------------------------------------------------


def _pct(field: Mapping[str, Any]) -> str:
    return "  n/a" if field["rate"] is None else f"{100 * field['rate']:5.1f} % ({field['right']}/{field['of']})"


def report(split: str, result: Mapping[str, Any], e2e: Mapping[str, Any]) -> str:
    lines = [f"== {split}: {result['messages']} messages"]
    for key in (*FIELDS, "amount_direction"):
        label = {"card_tail": "own tail", "amount_direction": "amount+direction"}.get(key, key)
        lines.append(f"  {label:<18}{_pct(result['fields'][key])}")
    s, m = result["spurious_debits"], result["missed_debits"]
    lines.append(f"  spurious debits   {s['count']} (CNY {s['sum']})")
    lines.append(f"  missed debits     {m['count']} (CNY {m['sum']})")
    lines.append(f"  needs review      {result['needs_review']}")
    lines.append(f"  links flagged     {result['domains_flagged']}, of them official: {result['official_flagged']}")
    lines.append(f"  end to end: labelled debits CNY {e2e['labelled_debits']}")
    for name in ("sms_backup_xml", "csv_export"):
        x = e2e[name]
        lines.append(f"    {name:<15} {x['events']} events, total debited CNY {x['total_debited']} "
                     f"({x['error'] or 'n/a'}), balance issues {x['balance_issues']}, second copies of "
                     f"one message withheld {x['copies_withheld']} (CNY {x['copies_sum']}), a platform's "
                     f"notice of a bank-notified payment withheld {x['echoes']} (CNY {x['echoes_sum']}), "
                     f"debits a later reversal or refund returned withheld {x['returned']} "
                     f"(CNY {x['returned_sum']})")
    lines.append("  per institution: messages, amount+direction right, own tail right/money moved")
    for name, row in result["institutions"].items():
        lines.append(f"    {name:<16}{row['messages']:>4}{row['amount_direction']:>5}"
                     f"{row['own_tail']:>6}/{row['money_moved']}")
    return "\n".join(lines)


def summary(title: str, result: Mapping[str, Any]) -> str:
    """The headline figures of one medium: the fields, spurious/missed debits, flagged links."""
    lines = [f"== {title}: {result['messages']} messages"]
    for key in ("amount_direction", "card_tail", "kind", "balance", "bank"):
        label = {"card_tail": "own tail", "amount_direction": "amount+direction"}.get(key, key)
        lines.append(f"  {label:<18}{_pct(result['fields'][key])}")
    s, m = result["spurious_debits"], result["missed_debits"]
    lines.append(f"  spurious debits   {s['count']} (CNY {s['sum']})")
    lines.append(f"  missed debits     {m['count']} (CNY {m['sum']})")
    lines.append(f"  needs review      {result['needs_review']}")
    lines.append(f"  links flagged     {result['domains_flagged']}, of them official: {result['official_flagged']}")
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", action="append", choices=("seed", "dev", "test"),
                        help="split(s) to run (default: seed, dev and test)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--errors", action="store_true", help="list each wrong message (not for test)")
    parser.add_argument("--data", type=Path, help="folder holding <split>/*.json (default tests/data/bank_sms)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    splits = args.split or ["seed", "dev", "test"]
    data = args.data or DATA
    results: dict[str, Any] = {}
    try:
        for split in splits:
            records = load_split(split, data)
            if not records:
                results[split] = None
                continue
            result = evaluate(records)
            media = {m: evaluate(rs) for m, rs in by_medium(records).items() if rs}
            results[split] = {"result": result, "end_to_end": end_to_end(records), "media": media}
    except DataError as exc:
        print(f"notices_eval: unreadable data: {exc}", file=sys.stderr)
        return 1
    if args.json:
        def public(result: Mapping[str, Any]) -> dict[str, Any]:
            return {a: b for a, b in result.items() if not a.startswith("_")}
        print(json.dumps({k: None if v is None else {
            "result": public(v["result"]), "end_to_end": v["end_to_end"],
            "media": {m: public(x) for m, x in v["media"].items()}} for k, v in results.items()},
            ensure_ascii=False, indent=1))
        return 0
    for split, value in results.items():
        if value is None:
            print(f"== {split}: no data in {(args.data or DATA) / split}")
            continue
        print(report(split, value["result"], value["end_to_end"]))
        for m, x in value["media"].items():
            print(summary(f"{split} / {m}", x))
        if args.errors and split != "test":
            for e in value["result"]["_errors"]:
                print(f"  ! {e['id']} [{e['medium']}]: {json.dumps(e['wrong'], ensure_ascii=False)}\n      {e['body']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
