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
