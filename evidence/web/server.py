"""`evidence serve`: the victims' upload pages (/v/<token>) and the lawyer's dashboard (/admin).

Starlette on uvicorn; the routes are here, what they do is in `site` (the pages' steps) and
everything they show or store goes through `web.core` (the same intake, check and build as the
CLI). Security, in one place each: invitation tokens and the password in `store`; form tokens
(CSRF) in `site`; limits, rate limits and response headers in `guard`; file names are data,
never paths (`uploads`). Blocking work (hashing, intake, PDF, build) runs in worker threads.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from evidence.web import core, store, uploads
from evidence.web.guard import MIB, SecurityHeaders, Settings, set_cookie
from evidence.web.site import ADMIN_COOKIE, HERE, LOGIN_COOKIE, SESSION_SECONDS, Refused, Web

STATIC = {"upload.js": "text/javascript", "admin.js": "text/javascript", "style.css": "text/css"}


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
            set_cookie(page, request, LOGIN_COOKIE, nonce, 600)
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
        set_cookie(response, request, ADMIN_COOKIE, sid, SESSION_SECONDS)
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


def run(case_folder: Path, host: str = "127.0.0.1", port: int = 8318,
        settings: Settings | None = None, proxy: str = "127.0.0.1") -> None:
    """Serve until interrupted. Behind the firm's TLS reverse proxy, the proxy's address
    (`proxy`: 127.0.0.1 when it runs on this machine) is trusted for X-Forwarded-For/-Proto:
    the client's address for the audit log and the rate limits, secure cookies."""
    import uvicorn

    app = create_app(case_folder, settings or Settings(warm_up=True))
    uvicorn.run(app, host=host, port=port, proxy_headers=True, forwarded_allow_ips=proxy,
                log_level="warning", server_header=False, date_header=False,
                timeout_graceful_shutdown=5,
                limit_concurrency=256)  # beyond: 503 at once, memory stays bounded
