"""What the pages do, apart from HTTP: the victim's upload steps, the dashboard's rows, the
background build; every call into the library goes through `web.core`."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import hashlib
import hmac
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from evidence.errors import EvidenceError
from evidence.model import Case
from evidence.web import core, store, uploads
from evidence.web.guard import GIB, MIB, RateLimit, Settings

HERE = Path(__file__).resolve().parent
ADMIN_COOKIE = "evidence_admin"
LOGIN_COOKIE = "evidence_login"
SESSION_SECONDS = 8 * 3600



class Refused(Exception):
    """An answer with a status and a labelled message (JSON for the page's script, else HTML)."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


@dataclasses.dataclass
class BuildState:
    running: bool = False
    done: int = 0
    total: int = 0
    what: str = ""
    message: str = ""


def labels(lang: str) -> dict[str, str]:
    name = "en" if lang == "en" else "zh-Hans"
    with (HERE / "labels" / f"{name}.toml").open("rb") as f:
        return {k: str(v) for k, v in tomllib.load(f).items()}


def human_size(n: int) -> str:
    for unit, size in (("GB", GIB), ("MB", MIB), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


class Web:
    """The application's state: the case, its records, the spool, the limits."""

    def __init__(self, case_folder: Path, settings: Settings | None = None) -> None:
        self.folder = case_folder.resolve()
        self.case: Case = core.load_case(self.folder)
        self.settings = settings or Settings()
        self.lang = "en" if self.case.language == "en" else "zh-Hans"
        self.text = labels(self.lang)
        self.key = store.secret_key(self.folder)
        self.spool = uploads.Spool(self.folder / core.INBOX)
        self.spool.sweep()
        self.guesses = RateLimit(self.settings.guesses, self.settings.guess_window)
        self.requests = RateLimit(self.settings.requests, 60.0)
        self.logins = RateLimit(self.settings.logins, self.settings.guess_window)
        self.sessions: dict[str, float] = {}
        self.build = BuildState()
        self._build_lock = threading.Lock()
        self._reports: dict[str, tuple[tuple[Any, ...], core.Report]] = {}
        self._report_locks: dict[str, threading.Lock] = collections.defaultdict(threading.Lock)
        if self.settings.warm_up:
            threading.Thread(target=self._warm_up, name="evidence-warm-up", daemon=True).start()
        self.pages = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                        autoescape=True, undefined=jinja2.StrictUndefined)

    def _warm_up(self) -> None:
        for victim in core.victim_ids(self.case):
            try:
                self.report(victim)
            except Exception:  # met again, and answered, when a page asks for this victim
                continue

    # ---- helpers ------------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        text = self.text.get(key, key)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text

    def csrf(self, scope: str) -> str:
        return hmac.new(self.key, scope.encode(), hashlib.sha256).hexdigest()[:40]

    def csrf_ok(self, scope: str, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.csrf(scope), str(given))

    def render(self, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
        page = self.pages.get_template(template).render(t=self.t, lang=self.text["lang_attr"],
                                                    human_size=human_size, **context)
        return HTMLResponse(page, status_code=http_status)

    def client(self, request: Request) -> str:
        return request.client.host if request.client else "?"

    def report(self, victim: str) -> core.Report:
        """`check` for one victim, remembered until its files or victim.toml change."""
        folder = core.victim_folder(self.case, victim)

        def stamp() -> tuple[Any, ...]:
            out: list[Any] = []
            for name in ("intake.json", "victim.toml"):
                try:
                    st = (folder / name).stat()
                    out.append((st.st_mtime_ns, st.st_size, st.st_ino))
                except OSError:
                    out.append(None)
            return tuple(out)

        with self._report_locks[victim]:  # one `check` at a time per victim
            key = stamp()
            cached = self._reports.get(victim)
            if cached and cached[0] == key:
                return cached[1]
            found = core.report(self.case, victim, store.folder(self.folder) / "hashes")
            self._reports[victim] = (key, found)
            return found

    # ---- the victim's side ----------------------------------------------------------------------

    def victim_of(self, request: Request) -> str:
        """The victim whose token is in the path; 429 after too many bad tokens from here."""
        address = self.client(request)
        if self.guesses.blocked(address):
            raise Refused(429, "err_rate")
        token = str(request.path_params["token"])
        victim = store.lookup(self.folder, token, dt.datetime.now(dt.UTC))
        if victim is None:
            self.guesses.hit(address)
            raise Refused(404, "err_invalid_link")
        if self.requests.hit(store.token_hash(token)):
            raise Refused(429, "err_rate")
        return victim

    def victim_csrf(self, request: Request) -> str:
        return self.csrf("victim:" + store.token_hash(str(request.path_params["token"])))

    def check_victim_csrf(self, request: Request, given: str | None) -> None:
        if not self.csrf_ok("victim:" + store.token_hash(str(request.path_params["token"])), given):
            raise Refused(403, "err_csrf")

    def status_json(self, victim: str) -> dict[str, Any]:
        found = self.report(victim)
        return {
            "checklist": [{"key": i.key, "ok": i.ok, "label": i.label, "detail": i.detail,
                           "need": self.t("need_" + i.key)} for i in found.checklist],
            "complete": found.complete,
            "files": [{"name": f.original, "size": f.size, "sha256": f.sha256,
                       "status": f.status, "status_text": self.t("status_" + f.status),
                       "reason": f.reason} for f in found.files],
        }

    def start_upload(self, victim: str, body: Any) -> uploads.Upload:
        s = self.settings
        if not isinstance(body, dict) or not isinstance(body.get("name"), str) \
                or not uploads.file_size_ok(body.get("size")):
            raise Refused(400, "err_bad_request")
        name, size = core.stored_name(body["name"]), int(body["size"])
        if size > s.max_file:
            raise Refused(413, "err_file_too_big", name=name, size=human_size(size),
                          limit=human_size(s.max_file))
        pending = self.spool.pending(victim)
        if len(pending) >= s.max_open:
            raise Refused(429, "err_too_many_open")
        records = core.intake_records(self.case, victim)
        if len(records) + len(pending) >= s.max_files:
            raise Refused(413, "err_too_many", limit=s.max_files)
        total = sum(int(r.get("size", 0)) for r in records) + sum(u.size for u in pending)
        if total + size > s.max_victim:
            raise Refused(413, "err_victim_full", limit=human_size(s.max_victim))
        return self.spool.start(victim, name, size, uploads.clean_sha(body.get("sha256")),
                                uploads.clean_time(body.get("modified")))

    def finish_upload(self, victim: str, upload: uploads.Upload, address: str) -> dict[str, Any]:
        path, sha = self.spool.complete(upload)
        try:
            result = core.intake_upload(self.case, victim, path, upload.name)
        except EvidenceError as exc:
            self.spool.drop(upload.id)
            reason = str(exc).replace(str(path), upload.name)  # the victim's name, not the spool's
            store.audit(self.folder, "refused", victim=victim, file=upload.name,
                        size=upload.size, sha256=sha, client=address, reason=reason)
            raise Refused(422, "err_intake", error=reason) from None
        # the file and its record are durable now (intake fsyncs): log, then acknowledge
        for s in result.stored:
            store.audit(self.folder, "stored", victim=victim, file=s.original_path,
                        stored=s.stored_path, size=s.size, sha256=s.sha256, client=address,
                        upload=upload.name)
        for d in result.duplicates:
            store.audit(self.folder, "duplicate", victim=victim, file=d.original_path,
                        same_as=d.stored_path, client=address, upload=upload.name)
        for r in result.rejected:
            store.audit(self.folder, "rejected", victim=victim, file=r.original_path,
                        reason=r.reason, client=address, upload=upload.name)
        status = self.status_json(victim)
        verdicts = {f["name"]: f for f in status["files"]}
        by_path = {f.path: f for f in self.report(victim).files}
        entries = []
        for s in result.stored:
            row = by_path.get(s.stored_path)
            entries.append({"name": s.original_path, "size": s.size, "sha256": s.sha256,
                            "status": row.status if row else "accepted",
                            "reason": row.reason if row else ""})
        for d in result.duplicates:
            entries.append({"name": d.original_path, "status": "duplicate",
                            "reason": self.t("duplicate"),
                            "sha256": verdicts.get(d.original_path, {}).get("sha256", "")})
        for r in result.rejected:
            entries.append({"name": r.original_path, "status": "rejected", "reason": r.reason})
        answer = {"upload": upload.name, "size": upload.size, "sha256": sha, "entries": entries,
                  **status}
        self.spool.finished(upload, answer)
        return answer

    # ---- the lawyer's side --------------------------------------------------------------------

    def session(self, request: Request) -> str | None:
        sid = request.cookies.get(ADMIN_COOKIE)
        if sid and self.sessions.get(sid, 0) > time.time():
            return sid
        return None

    def dashboard_rows(self) -> list[dict[str, Any]]:
        invited = {i.victim for i in store.invites(self.folder) if not i.revoked}
        ids = sorted(set(core.victim_ids(self.case)) | invited)
        rows = []
        for victim in ids:
            records = core.intake_records(self.case, victim)
            found = self.report(victim) if records or core.victim_exists(self.case, victim) else None
            if found is None or not found.files:
                state = "invited" if victim in invited else "not_invited"
            elif found.rejected or found.problems:
                state = "problems"
            elif found.complete:
                state = "complete"
            else:
                state = "submitted"
            last = max((str(r.get("received", "")) for r in records), default="")
            rows.append({"id": victim, "name": found.name if found else "", "state": state,
                         "last": last, "files": len(found.files) if found else 0,
                         "missing": [i.label for i in found.missing] if found else [],
                         "dossier": core.dossier(self.case, victim) is not None})
        return rows

    def start_build(self) -> bool:
        with self._build_lock:
            if self.build.running:
                return False
            self.build = BuildState(running=True)

        def progress(done: int, total: int, what: str) -> None:
            self.build.done, self.build.total, self.build.what = done, total, what

        def run() -> None:
            try:
                summary = core.build(self.folder, progress)
                message = self.t("build_done", built=summary.built, reused=summary.reused,
                                 failed=len(summary.failed), seconds=f"{summary.seconds:.1f}")
            except Exception as exc:  # shown on the dashboard: the server stays up
                message = self.t("build_failed", error=f"{type(exc).__name__}: {exc}")
            store.audit(self.folder, "build", message=message)
            self.build.message = message
            self.build.running = False

        threading.Thread(target=run, name="evidence-build", daemon=True).start()
        return True
