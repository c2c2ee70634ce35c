"""Templates: page setup, labels and patterns from the top-level `templates/` folder.

Labels live in `templates/<lang>/<area>.toml`; `t(lang, "events.sms_in", who=…)` formats one.
A missing label in `en` falls back to zh-Hans, then to the key itself (visible, never a crash).
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("zh-Hans", "en")


@functools.cache
def labels(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    folder = TEMPLATES_DIR / lang
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as f:
            data = tomllib.load(f)
        _flatten(path.stem, data, out)
    return out


def _flatten(prefix: str, data: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in data.items():
        if isinstance(value, dict):
            _flatten(f"{prefix}.{key}", value, out)
        else:
            out[f"{prefix}.{key}"] = str(value)


def t(lang: str, key: str, **values: object) -> str:
    text = labels(lang).get(key) or labels("zh-Hans").get(key) or key
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


@functools.cache
def setup(path: Path | None = None) -> dict[str, Any]:
    """Page setup: `templates/default.toml`, or a lawyer's copy given in case.toml."""
    with (path or TEMPLATES_DIR / "default.toml").open("rb") as f:
        return tomllib.load(f)
