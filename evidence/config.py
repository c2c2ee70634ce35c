"""case.toml / victim.toml -> model, with every validation message.

A lawyer writes these files by hand, so nothing here raises for a victim's file: a typo becomes an
Issue naming the file and key (with the nearest known key), and the victim is still processed.
Only a case.toml that cannot be used at all raises ConfigError (exit code 4).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import tomllib
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from evidence import printable, template, times
from evidence.errors import ConfigError, UsageError
from evidence.model import (
    Case,
    Compensation,
    CompensationStatus,
    Issue,
    ManualEvent,
    Order,
    Severity,
    Victim,
)

CASE_FILE = "case.toml"
VICTIM_FILE = "victim.toml"
VICTIMS_DIR = "victims"

CASE_KEYS = ("title", "court", "counsel", "defendant", "timezone", "bates_prefix", "language",
             "template", "redaction")
CASE_DATE_KEYS = ("build_date", "period")  # not text: an ISO date, an ISO interval
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
VICTIM_TABLES = ("victim", "orders", "compensation", "events", "exhibits")
VICTIM_KEYS = ("name", "region", "phone", "id_number", "cards", "claimed_loss")
ORDER_KEYS = ("id", "placed", "item", "amount", "channel")
COMPENSATION_KEYS = ("status", "amount_paid")
EVENT_KEYS = ("time", "kind", "summary")
EXHIBIT_KEYS = ("purpose", "name", "fact", "transcript")

# Issue codes this module produces: an error with one of these makes `check` exit 4.
CODES = frozenset({
    "victim_toml_missing", "toml_invalid", "unknown_key", "bad_value", "missing_key",
    "bad_decimal", "float_amount", "bad_time", "bad_status", "exhibit_missing",
})


# ---- case.toml ----------------------------------------------------------------------------


def load_case(folder: Path, env: Mapping[str, str] | None = None) -> tuple[Case, list[Issue]]:
    """Read `folder/case.toml`. Raises ConfigError when the case cannot be used at all.

    `env` (default: os.environ) is read for SOURCE_DATE_EPOCH only."""
    path = folder / CASE_FILE
    if not folder.is_dir():
        raise ConfigError(f"case folder {folder} does not exist; create it with a case.toml "
                          "(see docs/case-format.md) or pass the right path.")
    if not path.is_file():
        raise ConfigError(f"{path} is missing; create it with a [case] table "
                          "(see docs/case-format.md).")
    try:
        data = _read_toml(path)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix that line — text values need "
                          "double quotes.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read ({exc}); save it as UTF-8 text.") from None
    table = data.get("case")
    if not isinstance(table, dict):
        raise ConfigError(f"{path} has no [case] table; start the file with a line `[case]` "
                          "(see docs/case-format.md).")
    values: dict[str, str] = {}
    for key in CASE_KEYS:
        if key not in table or key in CASE_DATE_KEYS:
            continue
        value = table[key]
        if not isinstance(value, str):
            raise ConfigError(f"{path}: [case] {key} must be text in double quotes, "
                              f"not {value!r}.")
        values[key] = value.strip()

    language = values.get("language", "zh-Hans")
    if language not in template.LANGUAGES:
        raise ConfigError(f"{path}: [case] language = {language!r} is not supported; use "
                          f"{' or '.join(repr(x) for x in template.LANGUAGES)}.")
    timezone = values.get("timezone", "Asia/Shanghai")
    try:
        times.zone(timezone)
    except ValueError as exc:
        raise ConfigError(f"{path}: [case] timezone: {exc}.") from None
    if values.get("template"):
        lawyer_template = folder / values["template"]
        if not lawyer_template.is_file():
            raise ConfigError(f"{path}: [case] template = {values['template']!r} does not exist "
                              f"(looked for {lawyer_template}); fix the path or remove the key.")
        _check_template(path, folder, values["template"])
    if "bates_prefix" in values:
        _check_name(path, "[case] bates_prefix", values["bates_prefix"], 24)
    if values.get("redaction") and not (folder / values["redaction"]).is_file():
        raise ConfigError(f"{path}: [case] redaction = {values['redaction']!r} does not exist "
                          f"(looked for {folder / values['redaction']}); fix the path or remove the key.")

    issues: list[Issue] = []
    label = f"{CASE_FILE}"
    for key in sorted(set(data) - {"case"}):
        issues.append(_unknown(language, label, key, ("case",)))
    for key in sorted(set(table) - set(CASE_KEYS) - set(CASE_DATE_KEYS)):
        issues.append(_unknown(language, label, f"case.{key}", CASE_KEYS + CASE_DATE_KEYS,
                               prefix="case."))
    zone = times.zone(timezone)
    period = _period(path, table.get("period"))
    build_date = _build_date(path, table.get("build_date"), os.environ if env is None else env,
                             zone)
    if not values.get("title"):
        issues.append(Issue(Severity.WARNING, "missing_key",
                            _t(language, "config.missing_title", file=label),
                            path=CASE_FILE, locator="case.title"))
    case = Case(
        folder=folder,
        title=values.get("title") or folder.name,
        court=values.get("court", ""),
        counsel=values.get("counsel", ""),
        defendant=values.get("defendant", ""),
        timezone=timezone,
        bates_prefix=values.get("bates_prefix") or "EV",
        language=language,
        template=values.get("template") or "default",
        redaction=values.get("redaction") or "",
        build_date=build_date,
        period=period,
    )
    return case, issues


def _period(path: Path, value: object) -> tuple[dt.date, dt.date] | None:
    if value is None:
        return None
    parsed = times.parse_period(value) if isinstance(value, str) else None
    if parsed is None:
        raise ConfigError(
            f"{path}: [case] period = {value!r} is not a usable ISO 8601 interval of days; write "
            'the first and last day of the case in double quotes, e.g. period = "2015-03-01/'
            '2015-04-30" (both days included, the last not before the first).')
    return parsed


def _build_date(path: Path, value: object, env: Mapping[str, str], tz: dt.tzinfo) -> dt.date:
    """[case] build_date, else SOURCE_DATE_EPOCH, else today in the case zone."""
    if value is not None:
        parsed = times.from_toml_date(value)
        if parsed is None:
            raise ConfigError(
                f"{path}: [case] build_date = {value!r} is not a date; write it as an ISO date, "
                'e.g. build_date = "2015-04-01" (or remove the key to use today\'s date).')
        return parsed
    raw = env.get(SOURCE_DATE_EPOCH)
    if raw:
        epoch = times.from_source_date_epoch(raw, tz)
        if epoch is None:
            raise ConfigError(
                f"{SOURCE_DATE_EPOCH}={raw!r} is not a number of seconds since 1970-01-01 UTC; "
                f"fix or unset it, or set [case] build_date in {path}.")
        return epoch
    return times.today(tz)


def victim_ids(case: Case) -> list[str]:
    """Folder names under `victims/`, sorted (hidden folders skipped); a name that cannot be a
    victim id (issue 23: control characters, a right-to-left override, `joint`) is refused."""
    root = case.folder / VICTIMS_DIR
    if not root.is_dir():
        return []
    ids = sorted(p.name for p in root.iterdir()
                 if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    for victim_id in ids:
        problem = id_problem(victim_id)
        if problem:
            raise ConfigError(f"{root / printable.text(victim_id)}: {problem}; rename the folder "
                              "(for example V001).")
    return ids


RESERVED_IDS = frozenset({"joint", "served", "cache"})  # folders of the build's own outputs


def id_problem(name: str) -> str | None:
    """Why `name` cannot be a victim id (a folder name printed on every page), or None."""
    if not name or name != name.strip() or name in (".", "..") or name.startswith("."):
        return "a victim id must be a plain folder name"
    if any(not c.isprintable() or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        return "a victim id must not contain control characters, line breaks or direction marks"
    if any(c in name for c in '/\\:*?"<>|'):
        return "a victim id must not contain / \\ : * ? \" < > |"
    if name.lower() in RESERVED_IDS:
        return f"{name!r} is the name of a build output folder"
    if len(name) > 64:
        return "a victim id must be at most 64 characters"
    return None


def _check_name(path: Path, what: str, value: str, longest: int) -> None:
    """issue 23: a value printed on every page is one line of visible characters."""
    if any(not c.isprintable() or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value):
        raise ConfigError(f"{path}: {what} = {printable.text(value)!r} contains control "
                          "characters, line breaks or direction marks; use letters and digits.")
    if len(value) > longest:
        raise ConfigError(f"{path}: {what} is longer than {longest} characters; shorten it.")


def _check_template(path: Path, folder: Path, name: str) -> None:
    """issue 23: a page-setup template lives in the case folder and is TOML."""
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise ConfigError(f"{path}: [case] template = {name!r} is outside the case folder; copy "
                          "the template into the case folder and name it relative to case.toml.")
    problem = _template_problem(target)
    if problem:
        raise ConfigError(f"{path}: [case] template = {name!r} {problem}")


def _template_problem(path: Path) -> str | None:
    """Why a page-setup template cannot be used (the end of a sentence), or None."""
    try:
        with path.open("rb") as f:
            tomllib.load(f)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return f"is not a TOML template ({exc}); start from templates/default.toml."
    except OSError as exc:
        return f"cannot be read ({exc.strerror})."
    return None


def with_template(case: Case, template_path: str | None) -> Case:
    """issue 23: `build --template /abs/path.toml` may name a template outside the case folder
    (the lawyer chose it on the command line, unlike a case.toml someone sent). It stands in
    for [case] template; its path and content enter the fingerprints as a case template does."""
    if not template_path:
        return case
    path = Path(template_path)
    if not path.is_absolute():
        raise UsageError(f"--template {template_path!r} must be an absolute path; a template "
                         "inside the case folder is named by [case] template in case.toml.")
    if not path.is_file():
        raise UsageError(f"--template {template_path} does not exist or is not a file; fix the path.")
    problem = _template_problem(path)
    if problem:
        raise UsageError(f"--template {template_path} {problem}")
    return dataclasses.replace(case, template=str(path))


def victim_folder(case: Case, victim_id: str) -> Path:
    return case.folder / VICTIMS_DIR / victim_id


# ---- victim.toml --------------------------------------------------------------------------


def load_victim(case: Case, victim_id: str) -> tuple[Victim, list[Issue]]:
    """Read `victims/<id>/victim.toml`. Never raises: every problem is an Issue.

    Locators count array entries from 1, as the lawyer reads the file (`orders[1].placed`).
    """
    folder = victim_folder(case, victim_id)
    reader = _VictimReader(case, victim_id)
    path = folder / VICTIM_FILE
    if not path.is_file():
        reader.error("victim_toml_missing", "config.victim_toml_missing", None)
        return Victim(id=victim_id, folder=folder, config_found=False), reader.issues
    try:
        data = _read_toml(path)
    except tomllib.TOMLDecodeError as exc:
        reader.error("toml_invalid", "config.toml_invalid", None, error=str(exc))
        return Victim(id=victim_id, folder=folder, config_found=False), reader.issues
    except (OSError, UnicodeDecodeError) as exc:
        reader.error("toml_invalid", "config.toml_unreadable", None, error=str(exc))
        return Victim(id=victim_id, folder=folder, config_found=False), reader.issues
    return reader.victim(data, folder), reader.issues


@dataclasses.dataclass
class _VictimReader:
    case: Case
    victim_id: str
    issues: list[Issue] = dataclasses.field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.case.language

    @property
    def file(self) -> str:  # as the lawyer sees it from the case folder
        return f"{VICTIMS_DIR}/{self.victim_id}/{VICTIM_FILE}"

    @property
    def tz(self) -> dt.tzinfo:
        return times.zone(self.case.timezone)

    def _add(self, severity: Severity, code: str, label: str, key: str | None,
             **values: object) -> None:
        message = _t(self.lang, label, file=self.file, field=key or "", **values)
        self.issues.append(Issue(severity, code, message, path=VICTIM_FILE, locator=key))

    def error(self, code: str, label: str, key: str | None, **values: object) -> None:
        self._add(Severity.ERROR, code, label, key, **values)

    def warn(self, code: str, label: str, key: str | None, **values: object) -> None:
        self._add(Severity.WARNING, code, label, key, **values)

    # -- the file ---------------------------------------------------------------------------

    def victim(self, data: dict[str, Any], folder: Path) -> Victim:
        for key in sorted(set(data) - set(VICTIM_TABLES)):
            self.issues.append(_unknown(self.lang, self.file, key, VICTIM_TABLES,
                                        path=VICTIM_FILE))
        person = self.table(data, "victim", VICTIM_KEYS)
        name = self.text(person, "name", "victim.name")
        region = self.text(person, "region", "victim.region")
        phone = self.text(person, "phone", "victim.phone")
        id_number = self.text(person, "id_number", "victim.id_number")
        cards = self.cards(person)
        claimed_loss = self.money(person, "claimed_loss", "victim.claimed_loss")
        orders = tuple(
            order for i, raw in enumerate(self.array(data, "orders"), start=1)
            if (order := self.order(raw, f"orders[{i}]")) is not None
        )
        events = tuple(
            event for i, raw in enumerate(self.array(data, "events"), start=1)
            if (event := self.event(raw, f"events[{i}]")) is not None
        )
        return Victim(
            id=self.victim_id,
            folder=folder,
            name=name,
            region=region,
            phone=phone,
            id_number=id_number,
            cards=cards,
            claimed_loss=claimed_loss,
            orders=orders,
            compensation=self.compensation(self.table(data, "compensation", COMPENSATION_KEYS)),
            events=events,
            purposes=self.purposes(data, folder),
            exhibit_names=self.exhibit_field(data, folder, "name"),
            exhibit_facts=self.exhibit_field(data, folder, "fact"),
            transcripts=self.transcripts(data, folder),
            config_found=True,
        )

    def table(self, data: Mapping[str, Any], name: str, keys: tuple[str, ...]) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.error("bad_value", "config.not_table", name)
            return {}
        self.unknown_keys(value, name, keys)
        return value

    def array(self, data: Mapping[str, Any], name: str) -> list[Any]:
        value = data.get(name, [])
        if not isinstance(value, list):
            self.error("bad_value", "config.not_array", name)
            return []
        return value

    def unknown_keys(self, table: Mapping[str, Any], where: str, keys: tuple[str, ...]) -> None:
        for key in sorted(set(table) - set(keys)):
            self.issues.append(_unknown(self.lang, self.file, f"{where}.{key}", keys,
                                        prefix=f"{where}.", path=VICTIM_FILE))

    # -- values -----------------------------------------------------------------------------

    def text(self, table: Mapping[str, Any], name: str, key: str) -> str:
        value = table.get(name)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.error("bad_value", "config.not_text", key, value=repr(value))
            return ""
        return str(value).strip()

    def cards(self, person: Mapping[str, Any]) -> tuple[str, ...]:
        value = person.get("cards")
        if value is None:
            return ()
        if isinstance(value, str | int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            self.error("bad_value", "config.cards", "victim.cards", value=repr(value))
            return ()
        out: list[str] = []
        for i, card in enumerate(value):
            text = "".join(str(card).split())
            if isinstance(card, bool) or not isinstance(card, str | int) or not text.isdigit():
                self.error("bad_value", "config.cards", f"victim.cards[{i + 1}]", value=repr(card))
                continue
            out.append(text)
        return tuple(out)

    def money(self, table: Mapping[str, Any], name: str, key: str) -> Decimal | None:
        value = table.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            self.error("bad_decimal", "config.bad_decimal", key, value=repr(value))
            return None
        if isinstance(value, float):
            # A TOML float is already rounded in binary; its shortest repr is what was typed.
            self.warn("float_amount", "config.float_amount", key, value=repr(value))
            value = repr(value)
        text = times.normalize_text(str(value)).strip().replace(",", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            self.error("bad_decimal", "config.bad_decimal", key, value=repr(value))
            return None
        if not amount.is_finite() or amount < 0:
            self.error("bad_decimal", "config.bad_decimal", key, value=repr(value))
            return None
        return amount

    def time(self, table: Mapping[str, Any], name: str, key: str
             ) -> tuple[dt.datetime, bool] | None:
        value = table.get(name)
        if value is None:
            self.error("missing_key", "config.missing_time", key)
            return None
        # an unquoted TOML date-time or date (midnight), or text; the case zone unless written
        parsed = times.from_toml_datetime(value, self.tz)
        if parsed is None:
            self.error("bad_time", "config.bad_time", key, value=repr(value))
        return parsed

    def order(self, raw: Any, where: str) -> Order | None:
        if not isinstance(raw, dict):
            self.error("bad_value", "config.not_table", where)
            return None
        self.unknown_keys(raw, where, ORDER_KEYS)
        order_id = self.text(raw, "id", f"{where}.id")
        if not order_id:
            self.error("missing_key", "config.missing_order_id", f"{where}.id")
        placed = self.time(raw, "placed", f"{where}.placed")
        if placed is None or not order_id:
            return None
        return Order(
            id=order_id, placed=placed[0], zone_assumed=placed[1],
            item=self.text(raw, "item", f"{where}.item"),
            amount=self.money(raw, "amount", f"{where}.amount"),
            channel=self.text(raw, "channel", f"{where}.channel"),
        )

    def event(self, raw: Any, where: str) -> ManualEvent | None:
        if not isinstance(raw, dict):
            self.error("bad_value", "config.not_table", where)
            return None
        self.unknown_keys(raw, where, EVENT_KEYS)
        when = self.time(raw, "time", f"{where}.time")
        summary = self.text(raw, "summary", f"{where}.summary")
        if not summary:
            self.warn("missing_key", "config.missing_summary", f"{where}.summary")
        if when is None:
            return None
        return ManualEvent(time=when[0], zone_assumed=when[1], summary=summary,
                           kind=self.text(raw, "kind", f"{where}.kind") or "manual")

    def compensation(self, table: Mapping[str, Any]) -> Compensation:
        raw = table.get("status", CompensationStatus.NONE.value)
        try:
            status = CompensationStatus(str(raw).strip().lower())
        except ValueError:
            self.error("bad_status", "config.bad_status", "compensation.status", value=repr(raw),
                       allowed=" | ".join(s.value for s in CompensationStatus))
            status = CompensationStatus.NONE
        paid = self.money(table, "amount_paid", "compensation.amount_paid")
        return Compensation(status=status, amount_paid=paid if paid is not None else Decimal(0))

    def purposes(self, data: Mapping[str, Any], folder: Path) -> dict[str, str]:
        exhibits = data.get("exhibits", {})
        out: dict[str, str] = {}
        if not isinstance(exhibits, dict):
            self.error("bad_value", "config.not_table", "exhibits")
            return out
        for raw_path in sorted(exhibits):
            where = f'exhibits."{raw_path}"'
            entry = exhibits[raw_path]
            if not isinstance(entry, dict):
                self.error("bad_value", "config.not_table", where)
                continue
            self.unknown_keys(entry, where, EXHIBIT_KEYS)
            purpose = self.text(entry, "purpose", f"{where}.purpose")
            rel = normalize_rel(raw_path)
            if rel is None or not (folder / rel).is_file():
                self.warn("exhibit_missing", "config.exhibit_missing", where, path=raw_path)
            if purpose:
                out[rel or raw_path] = purpose
        return out

    def exhibit_field(self, data: Mapping[str, Any], folder: Path, key: str) -> dict[str, str]:
        """`[exhibits."path"] name = …` / `fact = …` (issue 17): the evidence list's name for a file
        and the fact it proves (order, calls, phishing, debits, report, compensation, other).
        `purposes` has already warned about tables that are not tables and missing files."""
        from evidence import exhibits  # the list of facts lives with the code that uses it

        out: dict[str, str] = {}
        table = data.get("exhibits", {})
        if not isinstance(table, dict):
            return out
        for raw_path in sorted(table):
            entry = table[raw_path]
            if not isinstance(entry, dict):
                continue
            where = f'exhibits."{raw_path}".{key}'
            value = self.text(entry, key, where)
            if not value:
                continue
            if key == "fact" and value not in {str(f) for f in exhibits.Fact}:
                self.error("bad_value", "config.bad_fact", where, value=repr(value),
                           allowed=" | ".join(str(f) for f in exhibits.Fact))
                continue
            out[normalize_rel(raw_path) or raw_path] = value
        return out


    def transcripts(self, data: Mapping[str, Any], folder: Path) -> dict[str, str]:
        """`[exhibits."recording"] transcript = "path"` (issue 17): the recording's 录音笔录,
        a path in the victim folder; a missing file is warned about and not used."""
        out: dict[str, str] = {}
        for rec, raw in self.exhibit_field(data, folder, "transcript").items():
            rel = normalize_rel(raw)
            if rel is None or not (folder / rel).is_file():
                self.warn("exhibit_missing", "config.exhibit_missing",
                          f'exhibits."{rec}".transcript', path=raw)
                continue
            out[rec] = rel
        return out


def normalize_rel(text: str) -> str | None:
    """`./screenshots\\a.png` -> `screenshots/a.png`; None when it leaves the folder."""
    parts = [p for p in PurePosixPath(text.replace("\\", "/")).parts if p not in ("", ".")]
    if not parts or parts[0] == "/" or ".." in parts:
        return None
    return "/".join(parts)


# ---- helpers ------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    # utf-8-sig: Windows Notepad saves a BOM, which tomllib rejects.
    return tomllib.loads(path.read_text(encoding="utf-8-sig"))


def _t(lang: str, label: str, /, **values: object) -> str:
    return template.t(lang, f"check.{label}", **values)


def _unknown(lang: str, file: str, key: str, known: tuple[str, ...], *, prefix: str = "",
             path: str = CASE_FILE) -> Issue:
    last = key.rsplit(".", 1)[-1] if prefix else key
    close = difflib.get_close_matches(last, known, n=1, cutoff=0.6)
    if close:
        message = _t(lang, "config.unknown_key_hint", file=file, field=key,
                     hint=f"{prefix}{close[0]}")
    else:
        message = _t(lang, "config.unknown_key", file=file, field=key,
                     known=", ".join(known) or "-")
    return Issue(Severity.WARNING, "unknown_key", message, path=path, locator=key)
