"""The JSON text of every record the tool writes (timeline, inventory, build records, manifests).

Outer levels are indented, one entry a line below `depth`: a 200-event timeline reads and
diffs one event per line. Why not `indent=2` throughout: Python then falls back from its C
encoder to the pure-Python one, which cost 0.05 s a claimant (a tenth of a dossier build).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
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
def _flat_at(pad: str) -> Callable[[Any], str]:
    """json's C encoder with the item separator of one indented level: a run of items holding
    no container comes out as indent=2 writes it. Its circular-reference memo is cleared before
    each use, as json starts each call with an empty one."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without json's C part
        plain = json.JSONEncoder(ensure_ascii=False, separators=("," + pad, ": "))
        return plain.encode
    markers: dict[int, Any] = {}
    encode = make(markers, _FLAT.default, _STRING, None, ": ", "," + pad, False, False, True)

    def flat(value: Any) -> str:
        markers.clear()
        return "".join(encode(value, 0))
    return flat


def indented(value: Any, by: str = "") -> str:
    """Exactly `json.dumps(value, ensure_ascii=False, indent=2)` with `by` after each newline.

    issue 23: with `indent` json falls back to its pure-Python encoder, which was a fifth of
    `timeline --format json` on a 600,000-message backup; this walks the containers itself and
    lets the C encoder write each run of items that holds no container (tests compare it with
    json.dumps)."""
    if not value or not isinstance(value, _CONTAINERS):
        return _FLAT.encode(value)  # a scalar, [] or {}: as json writes them
    pad = "\n" + by + "  "
    flat = _flat_at(pad)
    parts: list[str] = []
    run: dict[Any, Any] | list[Any] = {} if isinstance(value, dict) else []
    pairs = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    for k, v in pairs:
        if not (v and isinstance(v, _CONTAINERS)):
            if isinstance(run, dict):
                run[k] = v
            else:
                run.append(v)
            continue
        if isinstance(value, dict) and not isinstance(k, str):
            # a key json converts (1 -> "1") before a container: json's own way
            return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + by)
        if run:
            parts.append(flat(run)[1:-1])
            run = {} if isinstance(run, dict) else []
        parts.append((_STRING(k) + ": " if isinstance(k, str) else "") + indented(v, by + "  "))
    if run:
        parts.append(flat(run)[1:-1])
    opening, closing = "{}" if isinstance(value, dict) else "[]"
    return opening + pad + ("," + pad).join(parts) + "\n" + by + closing
