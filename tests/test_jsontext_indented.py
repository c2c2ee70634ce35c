"""issue 23: jsontext.indented writes exactly what json.dumps(indent=2, ensure_ascii=False) writes."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import jsontext

_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
            | st.text())
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.tuples(inner, inner) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(_VALUES, st.sampled_from(["", "  ", "    "]))
def test_indented_is_json_dumps(value: Any, by: str) -> None:
    assert jsontext.indented(value, by) == json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + by)


class Kind(enum.StrEnum):
    SMS = "sms"


def test_awkward_values_are_written_as_json_writes_them() -> None:
    for value in ({1: "a", None: [], 2.5: {}}, {"k": Kind.SMS, "t": (1, True, None)}, ["\u2028\"\\\n\x00"],
                  {"嵌套": {"空": {}, "列表": [[], [{}]]}}):
        assert jsontext.indented(value, "  ") == json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    with pytest.raises(TypeError):
        jsontext.indented({"amount": object()})


def test_without_jsons_c_part_the_text_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    value = {"a": 1, "b": {"c": [1, 2, {"d": None}], "e": "文"}, "f": [], "g": [[], [1]]}
    expected = json.dumps(value, ensure_ascii=False, indent=2)
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    jsontext._flat_at.cache_clear()
    try:
        assert jsontext.indented(value) == expected
    finally:
        jsontext._flat_at.cache_clear()
