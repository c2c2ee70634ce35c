"""The JSON text of every record the tool writes (timeline, inventory, build records, manifests).

Outer levels are indented, one entry a line below `depth`: a 200-event timeline reads and
diffs one event per line. Why not `indent=2` throughout: Python then falls back from its C
encoder to the pure-Python one, which cost 0.05 s a claimant (a tenth of a dossier build).
"""

from __future__ import annotations

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
