"""The JSON text of every record the tool writes (timeline, inventory, build records, manifests).

Outer levels are indented, one entry a line below `depth`: a 200-event timeline reads and
diffs one event per line. Why not `indent=2` throughout: Python then falls back from its C
encoder to the pure-Python one, which cost 0.05 s a claimant (a tenth of a dossier build).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from typing import Any


def dumps(data: Any, *, depth: int = 2, sort_keys: bool = False,
          default: Callable[[Any], Any] | None = None,
          memo: dict[int, str] | None = None) -> bytes:
    """UTF-8 JSON text ending in a newline; containers nested `depth` deep or more on one line.

    `memo`: one-line texts by container id, shared by calls writing the same objects (a
    dossier's events go into its manifest and its timeline.json); the caller keeps every one
    of those objects alive, unchanged, for as long as it passes the memo."""
    flat = json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys, default=default,
                            separators=(", ", ": "))

    def text(value: Any, level: int) -> str:
        if level >= depth or not isinstance(value, (dict, list, tuple)) or not value:
            if memo is None or not isinstance(value, (dict, list)):
                return flat.encode(value)
            done = memo.get(id(value))
            if done is None:
                done = memo[id(value)] = flat.encode(value)
            return done
        pad = "\n" + "  " * (level + 1)
        if isinstance(value, dict):
            items = sorted(value.items()) if sort_keys else value.items()
            body = ("," + pad).join(f"{flat.encode(str(k))}: {text(v, level + 1)}"
                                    for k, v in items)
            return "{" + pad + body + "\n" + "  " * level + "}"
        body = ("," + pad).join(text(v, level + 1) for v in value)
        return "[" + pad + body + "\n" + "  " * level + "]"

    return (text(data, 0) + "\n").encode("utf-8")


# json's own C string encoder (ensure_ascii=False): what json.dumps calls for every str
_STRING = json.encoder.encode_basestring
_FLAT = json.JSONEncoder(ensure_ascii=False)
_CONTAINERS = (dict, list, tuple)


@functools.cache
def _flat_at(pad: str) -> json.JSONEncoder:
    """A C encoder whose item separator is the newline and indent of one level: a container
    holding no container comes out as indent=2 writes it, less its first and last line break."""
    return json.JSONEncoder(ensure_ascii=False, separators=("," + pad, ": "))


_CONSTANTS: dict[Any, str] = {None: "null", True: "true", False: "false"}


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _STRING(value)
    if value is None or value is True or value is False:
        return _CONSTANTS[value]
    if type(value) is int:
        return int.__repr__(value)
    return _FLAT.encode(value)  # floats (NaN, Infinity), int subclasses, what json refuses


def indented(value: Any, by: str = "") -> str:
    """Exactly `json.dumps(value, ensure_ascii=False, indent=2)` with `by` after each newline.

    issue 23: with `indent` json falls back to its pure-Python encoder, which was a fifth of
    `timeline --format json` on a 600,000-message backup; this walks the containers itself
    and lets the C encoder write each one that holds no container (tests compare it with
    json.dumps)."""
    if not isinstance(value, _CONTAINERS):
        return _scalar(value)
    if not value:
        return "[]" if isinstance(value, (list, tuple)) else "{}"
    pad = "\n" + by + "  "
    if isinstance(value, dict) and not all(isinstance(k, str) for k in value):
        # keys json converts (1 -> "1"): its way
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + by)
    items: Iterable[Any] = value.values() if isinstance(value, dict) else value
    if not any(isinstance(v, _CONTAINERS) for v in items):
        text = _flat_at(pad).encode(value)
        return text[0] + pad + text[1:-1] + "\n" + by + text[-1]
    if isinstance(value, dict):
        inner = [_STRING(k) + ": " + indented(v, by + "  ") for k, v in value.items()]
        return "{" + pad + ("," + pad).join(inner) + "\n" + by + "}"
    return "[" + pad + ("," + pad).join([indented(v, by + "  ") for v in value]) + "\n" + by + "]"
