"""The whole reading side against the generator's ground truth.

A small case (4 victims: SB&R XML, a GBK CSV of SMS, an iMazing call CSV, every recording
format, screenshots, PDF statements, a duplicate, a corrupt image, unknown and empty files) is
written in real formats, then read by the same code the CLI uses (`collect.victim`). Every
expected event must be found with its exact time and amount; totals, first calls, numbers and
domains must be equal — per victim and across victims (`joint.analyse`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from evidence import collect, config, joint, phones
from evidence import sample as generator
from evidence.model import Event

CST = dt.timezone(dt.timedelta(hours=8))
NOT_AFTER = dt.datetime(2015, 4, 1, tzinfo=CST)  # the intake date of the sample case
VICTIMS = ("V001", "V002", "V003", "V004")
MONEY_KINDS = ("bank_notice", "transaction")


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> generator.GroundTruth:
    gt = generator.generate(tmp_path_factory.mktemp("gt") / "case", victims=len(VICTIMS), seed=318, scale="small")
    assert gt.data["shared_numbers"] and gt.data["shared_domains"], "the fixture must exercise sharing"
    return gt


@pytest.fixture(scope="module")
def collected(truth: generator.GroundTruth) -> dict[str, collect.Collected]:
    case, issues = config.load_case(truth.folder)
    assert not [i for i in issues if i.severity == "error"]
    return {vid: collect.victim(case, vid, not_after=NOT_AFTER) for vid in VICTIMS}


def _sources(e: Event) -> set[str]:
    return {e.source.path, *(ref.path for ref in e.also)}


def _found(expected: dict[str, Any], events: tuple[Event, ...]) -> Event | None:
    when = dt.datetime.fromisoformat(expected["time"])
    for e in events:
        same = str(e.kind) == expected["kind"] and e.time == when and expected["source"]["path"] in _sources(e)
        if same and (expected["amount"] is None or e.amount == Decimal(expected["amount"])):
            return e
    return None


def _describe(expected: dict[str, Any], events: tuple[Event, ...]) -> str:
    same_file = [e for e in events if expected["source"]["path"] in _sources(e)]
    when = dt.datetime.fromisoformat(expected["time"])
    near = sorted(same_file, key=lambda e: abs((e.time - when).total_seconds()))[:1]
    seen = ("; nearest from that file: " + ", ".join(
        f"{e.kind} {e.time.isoformat()} {e.amount} {e.summary[:40]!r}" for e in near)) if near else "; nothing read"
    return (f"{expected['kind']} {expected['time']} {expected['amount']} "
            f"{expected['source']['path']} {expected['source']['locator']}{seen}")


@pytest.mark.parametrize("vid", VICTIMS)
def test_inventory_matches_ground_truth(vid: str, truth: generator.GroundTruth,
                                        collected: dict[str, collect.Collected]) -> None:
    files = {f.path: f for f in collected[vid].inventory.files}
    expected = {f["path"]: f for f in truth.victim(vid)["files"]}
    assert set(files) - {"victim.toml"} == set(expected)  # nothing lost, nothing invented
    wrong = []
    for path, f in expected.items():
        got = files[path]
        if str(got.status) != f["status"] or got.sha256 != f["sha256"]:
            wrong.append(f"{path}: expected {f['status']}, got {got.status} ({got.reason})")
        elif f["status"] == "accepted" and str(got.kind) != f["kind"]:
            wrong.append(f"{path}: expected kind {f['kind']}, got {got.kind}")
        elif f["status"] == "duplicate" and got.duplicate_of != f["duplicate_of"]:
            wrong.append(f"{path}: duplicate of {got.duplicate_of}, expected {f['duplicate_of']}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("vid", VICTIMS)
def test_every_expected_event_is_found_exactly(vid: str, truth: generator.GroundTruth,
                                               collected: dict[str, collect.Collected]) -> None:
    events = collected[vid].timeline.events
    missing = [_describe(x, events) for x in truth.victim(vid)["events"] if _found(x, events) is None]
    assert not missing, f"{len(missing)} expected events not found:\n" + "\n".join(missing)


@pytest.mark.parametrize("vid", VICTIMS)
def test_found_events_carry_the_right_details(vid: str, truth: generator.GroundTruth,
                                              collected: dict[str, collect.Collected]) -> None:
    events = collected[vid].timeline.events
    wrong = []
    for x in truth.victim(vid)["events"]:
        e = _found(x, events)
        if e is None:
            continue  # reported by the test above
        where = f"{x['kind']} {x['time']} {x['source']['path']}"
        if x["direction"] != (None if e.direction is None else str(e.direction)):
            wrong.append(f"{where}: direction {e.direction}, expected {x['direction']}")
        if x["counterparty"] and e.counterparty != phones.normalize(x["counterparty"]):
            wrong.append(f"{where}: counterparty {e.counterparty}, expected {x['counterparty']}")
        # calls log whole seconds; recordings are measured from the audio (MP3 frames are 36 ms)
        tolerance = 0.05 if x["kind"] == "recording" else 0
        if x["kind"] in ("call", "recording") and not abs(
                float(e.details.get("duration_s", "nan")) - x["duration_s"]) <= tolerance:
            wrong.append(f"{where}: duration {e.details.get('duration_s')}, expected {x['duration_s']}")
        if x["kind"] == "recording" and e.details.get("matched_call_time") != x["matched_call_time"]:
            wrong.append(f"{where}: matched call at {e.details.get('matched_call_time')}, expected "
                         f"{x['matched_call_time']}")
        if x["kind"] == "phishing" and x["domain"] not in e.details.get("domains", "").split():
            wrong.append(f"{where}: domains {e.details.get('domains')!r}, expected {x['domain']}")
        if x["basis"] in ("exif", "filename") and str(e.basis) != x["basis"]:
            wrong.append(f"{where}: basis {e.basis}, expected {x['basis']}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("vid", VICTIMS)
def test_no_money_the_victim_never_moved(vid: str, truth: generator.GroundTruth,
                                         collected: dict[str, collect.Collected]) -> None:
    """Every amount the tool reports is one the generator wrote (an OTP is not a debit)."""
    expected = {(x["kind"], dt.datetime.fromisoformat(x["time"]), Decimal(x["amount"]))
                for x in truth.victim(vid)["events"] if x["kind"] in MONEY_KINDS}
    extra = [f"{e.kind} {e.time.isoformat()} {e.amount} {e.source.path} {e.source.locator}"
             for e in collected[vid].timeline.events
             if e.amount is not None and str(e.kind) in MONEY_KINDS and (str(e.kind), e.time, e.amount) not in expected]
    assert not extra, "\n".join(extra)


@pytest.mark.parametrize("vid", VICTIMS)
def test_totals_first_call_and_domains(vid: str, truth: generator.GroundTruth,
                                       collected: dict[str, collect.Collected]) -> None:
    v = truth.victim(vid)
    facts = collected[vid].timeline.facts
    statement_debits = sum((Decimal(x["amount"]) for x in v["events"]
                            if x["kind"] == "transaction" and x["direction"] == "debit"), Decimal(0))
    assert facts.total_debited == Decimal(v["all_debits_total"])
    assert facts.debits_after_call == Decimal(v["debit_total"])
    assert facts.total_debited_statements == statement_debits
    assert facts.first_suspicious_call is not None
    assert facts.first_suspicious_call.time == dt.datetime.fromisoformat(v["first_fraud_call"])
    placed = dt.datetime.fromisoformat(v["orders"][0]["placed"])
    assert facts.order_to_call == dt.datetime.fromisoformat(v["first_fraud_call"]) - placed
    assert sorted(facts.domains) == v["domains"]


@pytest.mark.parametrize("vid", VICTIMS)
def test_claimant_callers_and_loss(vid: str, truth: generator.GroundTruth,
                                   collected: dict[str, collect.Collected]) -> None:
    """The joint bundle names exactly the fraud numbers and claims exactly the fraud debits."""
    v = truth.victim(vid)
    c = collected[vid]
    claimant = joint.claimant(c.victim, c.timeline)
    assert sorted(claimant.callers) == v["fraud_numbers"]
    assert claimant.amount_lost == Decimal(v["debit_total"])
    assert claimant.claimed_loss == Decimal(v["claimed_loss"])
    assert str(claimant.compensation) == v["compensation"]["status"]
    assert claimant.amount_paid == Decimal(v["compensation"]["amount_paid"])


def test_shared_numbers_and_domains_across_victims(truth: generator.GroundTruth,
                                                   collected: dict[str, collect.Collected]) -> None:
    analysis = joint.analyse([joint.claimant(c.victim, c.timeline) for c in collected.values()])
    numbers = {s.value: sorted(s.claimants) for s in analysis.shared_numbers}
    domains = {s.value: sorted(s.claimants) for s in analysis.shared_domains}
    assert numbers == truth.data["shared_numbers"]
    assert domains == truth.data["shared_domains"]
    assert {t.key: t.claimants for t in analysis.by_status} == truth.data["compensation_counts"]
    assert analysis.amount_lost == Decimal(truth.data["debit_total"])
