"""jsontext: records are valid JSON, equal to what they were made from, one entry a line."""

import json
from decimal import Decimal

from evidence import jsontext


def test_round_trip_and_layout() -> None:
    data = {"victim": "V001", "events": [{"b": 1, "a": "短信 \"引号\"", "n": None},
                                         {"nested": {"x": [1, 2]}}],
            "facts": {}, "empty": [], "z": 1.5}
    text = jsontext.dumps(data).decode("utf-8")
    assert json.loads(text) == data
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and text.endswith("}\n")
    # each event on its own line, Chinese kept readable
    assert '    {"b": 1, "a": "短信 \\"引号\\"", "n": null},' in lines
    assert '    {"nested": {"x": [1, 2]}}' in lines


def test_sort_keys_default_and_depth() -> None:
    text = jsontext.dumps({"b": [Decimal("1.10")], "a": {"d": 1, "c": 2}}, sort_keys=True,
                          default=str, depth=1).decode()
    assert text == '{\n  "a": {"c": 2, "d": 1},\n  "b": ["1.10"]\n}\n'
    assert jsontext.dumps([]) == b"[]\n"


def test_a_shared_memo_gives_the_same_text() -> None:
    events = [{"time": "2015-03-18T20:41:00+08:00", "n": i, "tags": ["a", i]} for i in range(5)]
    manifest = {"timeline": events, "facts": {"total": "1.00"}}
    timeline = {"victim": "V001", "events": events}
    memo: dict[int, str] = {}
    assert jsontext.dumps(manifest, memo=memo) == jsontext.dumps(manifest)
    assert memo  # the events' texts were remembered
    assert jsontext.dumps(timeline, memo=memo) == jsontext.dumps(timeline)
