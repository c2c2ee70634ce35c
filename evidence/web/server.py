"""`evidence serve`: the victims' upload pages (/v/<token>) and the lawyer's dashboard (/admin).

Starlette on uvicorn. Everything a page shows or stores goes through `web.core` (the same intake,
check and build as the CLI). Security, in one place each: invitation tokens and the password in
`store`; form tokens (CSRF), rate limits and response headers here; file names are data, never
paths (`uploads`). Blocking work (hashing, intake, PDF, build) runs in worker threads.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import secrets
import threading
import time
import tomllib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from evidence.errors import EvidenceError
from evidence.model import Case
from evidence.web import core, store, uploads

HERE = Path(__file__).resolve().parent
MIB = 1 << 20
GIB = 1 << 30
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
STATIC = {"upload.js": "text/javascript", "admin.js": "text/javascript", "style.css": "text/css"}
ADMIN_COOKIE = "evidence_admin"
LOGIN_COOKIE = "evidence_login"
SESSION_SECONDS = 8 * 3600


@dataclasses.dataclass(frozen=True)
class Settings:
    max_file: int = 2 * GIB  # one file (intake's own limit for one zip's content is 2 GiB)
    max_victim: int = 10 * GIB  # everything one victim sends
    max_files: int = 5000  # files one victim sends (records in intake.json + open uploads)
    max_open: int = 20  # unfinished uploads per victim
    max_chunk: int = 16 * MIB  # one request's body (the page sends 4 MiB)
    guesses: int = 20  # failed token look-ups per address per window before 429
    guess_window: float = 600.0
    requests: int = 1200  # requests per token per minute (uploads are chunked: generous)
    logins: int = 10  # failed admin logins per address per window
    # check every victim in the background at start, so the lawyer's first dashboard does not
    # wait for 150 of them (~0.1-0.3 s each); `evidence serve` turns it on
    warm_up: bool = False


class RateLimit:
    """Events per key in a sliding window (in memory: a restart forgets, which is fine)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> collections.deque[float]:
        if len(self._seen) > 10_000:  # many addresses: forget those with nothing recent
            self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] <= self.window}
        seen = self._seen.setdefault(key, collections.deque())
        while seen and now - seen[0] > self.window:
            seen.popleft()
        return seen

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one event; True when the key is now over the limit."""
        with self._lock:
            seen = self._recent(key, time.monotonic())
            seen.append(time.monotonic())
            return len(seen) > self.limit


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


# ---- routes ----------------------------------------------------------------------------------


def create_app(case_folder: Path, settings: Settings | None = None) -> Starlette:
    web = Web(case_folder, settings)

    def wants_json(request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "") or \
            request.method not in ("GET", "HEAD")

    def refused(request: Request, exc: Refused) -> Response:
        message = web.t(exc.key, **exc.values)
        if wants_json(request):
            return JSONResponse({"error": message, "code": exc.key.removeprefix("err_"),
                                 **{k: v for k, v in exc.values.items() if isinstance(v, int)}},
                                status_code=exc.status)
        return web.render("message.html", exc.status, message=message)

    def handled(func: Callable[[Request], Awaitable[Response]]
                ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return await func(request)
            except Refused as exc:
                return refused(request, exc)
            except uploads.UploadError as exc:
                return refused(request, Refused(exc.status, "err_" + exc.key, **exc.values))
        return endpoint

    # -- victim pages
    @handled
    async def victim_page(request: Request) -> Response:
        victim = web.victim_of(request)
        status = await run_in_threadpool(web.status_json, victim)
        found = await run_in_threadpool(web.report, victim)
        return web.render("victim.html", name=found.name, status=status,
                          csrf=web.victim_csrf(request), base=request.url.path.rstrip("/"),
                          chunk=4 * MIB, limit=web.settings.max_file)

    @handled
    async def victim_status(request: Request) -> Response:
        victim = web.victim_of(request)
        return JSONResponse(await run_in_threadpool(web.status_json, victim))

    async def json_body(request: Request) -> Any:
        if int(request.headers.get("content-length") or 0) > 64 * 1024:
            raise Refused(413, "err_bad_request")
        try:
            return json.loads(await request.body())
        except ValueError:
            raise Refused(400, "err_bad_request") from None

    @handled
    async def upload_start(request: Request) -> Response:
        victim = web.victim_of(request)
        web.check_victim_csrf(request, request.headers.get("x-csrf-token"))
        body = await json_body(request)
        upload = await run_in_threadpool(web.start_upload, victim, body)
        return JSONResponse({"id": upload.id, "received": 0, "size": upload.size}, status_code=201)

    @handled
    async def upload_state(request: Request) -> Response:
        victim = web.victim_of(request)
        upload = web.spool.get(victim, str(request.path_params["upload"]))
        return JSONResponse({"id": upload.id, "received": upload.received, "size": upload.size})

    @handled
    async def upload_chunk(request: Request) -> Response:
        victim = web.victim_of(request)
        web.check_victim_csrf(request, request.headers.get("x-csrf-token"))
        upload = web.spool.get(victim, str(request.path_params["upload"]))
        try:
            offset = int(request.query_params.get("offset", ""))
            length = int(request.headers.get("content-length", ""))
        except ValueError:
            raise Refused(400, "err_bad_request") from None
        if length > web.settings.max_chunk or offset + length > upload.size:
            raise Refused(413, "err_chunk_too_big")

        async def pieces() -> AsyncIterator[bytes]:
            async for piece in request.stream():  # streamed to disk, never held whole
                if piece:
                    yield piece

        received = await web.spool.append(upload, offset, pieces())
        return JSONResponse({"id": upload.id, "received": received, "size": upload.size})

    @handled
    async def upload_finish(request: Request) -> Response:
        victim = web.victim_of(request)
        web.check_victim_csrf(request, request.headers.get("x-csrf-token"))
        upload_id = str(request.path_params["upload"])
        kept = web.spool.answer(victim, upload_id)
        if kept is not None:  # finished already; the phone lost the answer and asks again
            return JSONResponse({**kept, **await run_in_threadpool(web.status_json, victim)})
        upload = web.spool.get(victim, upload_id)
        result = await run_in_threadpool(web.finish_upload, victim, upload, web.client(request))
        return JSONResponse(result)

    @handled
    async def receipt_page(request: Request) -> Response:
        victim = web.victim_of(request)
        found = await run_in_threadpool(web.report, victim)
        return web.render("receipt.html", name=found.name, victim=victim, report=found,
                          base=request.url.path.removesuffix("/receipt"))

    @handled
    async def receipt_pdf(request: Request) -> Response:
        victim = web.victim_of(request)
        if not core.intake_records(web.case, victim):  # nothing received: no receipt (and no
            raise Refused(404, "no_files")              # victim folder made just for one)
        path = await run_in_threadpool(core.write_receipt, web.case, victim)
        store.audit(web.folder, "receipt", victim=victim, client=web.client(request))
        return FileResponse(path, media_type="application/pdf",
                            filename=f"receipt-{victim}.pdf")

    # -- the dashboard
    def admin_guard(request: Request) -> str:
        if not store.has_password(web.folder):
            raise Refused(403, "no_password")
        sid = web.session(request)
        if sid is None:
            raise Refused(401, "login")
        return sid

    async def admin_page(request: Request) -> Response:
        if not store.has_password(web.folder):
            return web.render("message.html", 403, message=web.t("no_password"))
        sid = web.session(request)
        if sid is None:
            nonce = secrets.token_urlsafe(16)
            page = web.render("login.html", 200, csrf=web.csrf("login:" + nonce), error="")
            _cookie(page, request, LOGIN_COOKIE, nonce, 600)
            return page
        rows = await run_in_threadpool(web.dashboard_rows)
        return web.render("admin.html", rows=rows, csrf=web.csrf("admin:" + sid),
                          build=web.build, bundle=core.bundle(web.case) is not None,
                          case=web.case)

    async def admin_login(request: Request) -> Response:
        if not store.has_password(web.folder):
            return web.render("message.html", 403, message=web.t("no_password"))
        address = web.client(request)
        if web.logins.blocked(address):
            return web.render("message.html", 429, message=web.t("err_rate"))
        form = await request.form()
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        if not nonce or not web.csrf_ok("login:" + nonce, str(form.get("csrf") or "")):
            return web.render("message.html", 403, message=web.t("err_csrf"))
        password = str(form.get("password") or "")
        if not await run_in_threadpool(store.check_password, web.folder, password):
            web.logins.hit(address)
            store.audit(web.folder, "login_failed", client=address)
            page = web.render("login.html", 401, csrf=web.csrf("login:" + nonce),
                              error=web.t("wrong_password"))
            return page
        sid = secrets.token_urlsafe(32)
        web.sessions[sid] = time.time() + SESSION_SECONDS
        store.audit(web.folder, "login", client=address)
        response = RedirectResponse("/admin", status_code=303)
        _cookie(response, request, ADMIN_COOKIE, sid, SESSION_SECONDS)
        response.delete_cookie(LOGIN_COOKIE, path="/admin")
        return response

    @handled
    async def admin_logout(request: Request) -> Response:
        sid = admin_guard(request)
        form = await request.form()
        if not web.csrf_ok("admin:" + sid, str(form.get("csrf") or "")):
            raise Refused(403, "err_csrf")
        web.sessions.pop(sid, None)
        response = RedirectResponse("/admin", status_code=303)
        response.delete_cookie(ADMIN_COOKIE, path="/admin")
        return response

    @handled
    async def admin_victim(request: Request) -> Response:
        admin_guard(request)
        victim = str(request.path_params["victim"])
        known = {r["id"] for r in await run_in_threadpool(web.dashboard_rows)}
        if victim not in known:
            raise Refused(404, "err_not_found")
        found = await run_in_threadpool(web.report, victim)
        return web.render("admin_victim.html", victim=victim, report=found,
                          dossier=core.dossier(web.case, victim) is not None)

    @handled
    async def admin_dossier(request: Request) -> Response:
        admin_guard(request)
        victim = str(request.path_params["victim"])
        path = core.dossier(web.case, victim) if victim in core.victim_ids(web.case) else None
        if path is None:
            raise Refused(404, "err_not_found")
        return FileResponse(path, media_type="application/pdf", filename=f"dossier-{victim}.pdf")

    @handled
    async def admin_bundle(request: Request) -> Response:
        admin_guard(request)
        path = core.bundle(web.case)
        if path is None:
            raise Refused(404, "err_not_found")
        return FileResponse(path, media_type="application/pdf", filename="bundle.pdf")

    @handled
    async def admin_build(request: Request) -> Response:
        sid = admin_guard(request)
        if request.method == "GET":
            b = web.build
            text = (web.t("build_running", done=b.done, total=b.total or "?", what=b.what)
                    if b.running else b.message)
            return JSONResponse({"running": b.running, "done": b.done, "total": b.total,
                                 "text": text})
        form = await request.form()
        if not web.csrf_ok("admin:" + sid, str(form.get("csrf") or "")):
            raise Refused(403, "err_csrf")
        web.start_build()
        store.audit(web.folder, "build_started", client=web.client(request))
        return RedirectResponse("/admin", status_code=303)

    async def static(request: Request) -> Response:
        name = str(request.path_params["name"])
        if name not in STATIC:  # a fixed list: nothing else is ever served, nothing listed
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(HERE / "static" / name, media_type=STATIC[name])

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        return web.render("message.html", status, message=web.t("err_not_found"))

    routes = [
        Route("/v/{token}", victim_page),
        Route("/v/{token}/status", victim_status),
        Route("/v/{token}/uploads", upload_start, methods=["POST"]),
        Route("/v/{token}/uploads/{upload}", upload_state),
        Route("/v/{token}/uploads/{upload}", upload_chunk, methods=["PUT"]),
        Route("/v/{token}/uploads/{upload}/finish", upload_finish, methods=["POST"]),
        Route("/v/{token}/receipt", receipt_page),
        Route("/v/{token}/receipt.pdf", receipt_pdf),
        Route("/admin", admin_page),
        Route("/admin/login", admin_login, methods=["POST"]),
        Route("/admin/logout", admin_logout, methods=["POST"]),
        Route("/admin/build", admin_build, methods=["GET", "POST"]),
        Route("/admin/bundle.pdf", admin_bundle),
        Route("/admin/victim/{victim}", admin_victim),
        Route("/admin/victim/{victim}/dossier.pdf", admin_dossier),
        Route("/static/{name}", static),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
    app.state.web = web
    return SecurityHeaders(app)  # type: ignore[return-value]


def _cookie(response: Response, request: Request, name: str, value: str, seconds: int) -> None:
    response.set_cookie(name, value, max_age=seconds, path="/admin", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


class SecurityHeaders:
    """Every answer: a strict Content-Security-Policy, no caching (pages hold private data), no
    referrer (the victim's link is their key), no sniffing, no framing."""

    HEADERS = (
        (b"content-security-policy", CSP.encode()),
        (b"cache-control", b"no-store"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    )

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.state = app.state

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def run(case_folder: Path, host: str = "127.0.0.1", port: int = 8318,
        settings: Settings | None = None) -> None:
    """Serve until interrupted. Behind the firm's TLS reverse proxy, the proxy's address is
    trusted for X-Forwarded-For/-Proto (the client address in the audit log, secure cookies)."""
    import uvicorn

    app = create_app(case_folder, settings or Settings(warm_up=True))
    uvicorn.run(app, host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                log_level="warning", server_header=False, date_header=False,
                timeout_graceful_shutdown=5,
                limit_concurrency=256)  # beyond: 503 at once, memory stays bounded
