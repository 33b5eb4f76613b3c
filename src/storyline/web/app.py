"""The web UI and JSON API over one store: thin routes over `views`, escaped templates.

Article text is hostile. Templates autoescape everything; the only markup built from
article text is made of escaped pieces (highlights, search snippets); and the CSP header
forbids every script, inline style, frame and foreign resource, so even a slip in
escaping could not run code.
"""


from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..store import Store
from . import views

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=views.MAX_PAGE_SIZE)]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (plain ASGI: no per-request task, unlike @app.middleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower().encode() for k in SECURITY_HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined)
    env.filters["plural"] = lambda n, noun: f"{n} {noun}" if n == 1 else f"{n} {noun}s"
    return env


def create_app(db: str | Path) -> FastAPI:
    """The app serving the store at ``db`` (opened per request: SQLite connections are per thread)."""
    app = FastAPI(title="storyline", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    env = templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def read(view, *args):
        """Run a view on a connection opened, used and closed in the request's own thread."""
        with Store(db) as store:
            return view(store, *args)

    app.add_middleware(SecurityHeaders)

    def page(name: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    def found(value, what: str):
        if value is None:
            raise HTTPException(404, f"no such {what}")
        return value

    @app.exception_handler(HTTPException)
    async def not_found(request: Request, exc: HTTPException):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return page("error.html", exc.status_code, message=str(exc.detail), q="")

    # pages
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def timeline_page(offset: Offset = 0, story: str | None = None):
        return page("timeline.html", data=read(views.timeline, offset, views.PAGE_SIZE, story), q="")

    @app.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_html(event_id: str):
        return page("event.html", data=found(read(views.event_page, event_id), "event"), q="")

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_html(document_id: str):
        return page("document.html", data=found(read(views.document_page, document_id), "document"), q="")

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_html(entity_id: str, offset: Offset = 0):
        return page("entity.html", data=found(read(views.entity_page, entity_id, offset), "entity"), q="")

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_html(q: str = "", offset: Offset = 0, since: Annotated[str | None, Query(pattern=ISO_DATE)] = None,
                    until: Annotated[str | None, Query(pattern=ISO_DATE)] = None, outlet: str | None = None,
                    entity: str | None = None):
        data = read(views.search, q, offset, views.SEARCH_RESULTS, since, until, outlet or None, entity or None)
        return page("search.html", data=data, q=q)

    # JSON API: the same data, records in the export's shapes (plain json.dumps: FastAPI's
    # generic encoder took longer than the page itself on big answers)
    @app.get("/api/events")
    def api_events(offset: Offset = 0, limit: Limit = views.PAGE_SIZE, story: str | None = None):
        return JSONResponse(read(views.timeline, offset, limit, story))

    @app.get("/api/events/{event_id}")
    def api_event(event_id: str):
        return JSONResponse(found(read(views.event_page, event_id), "event"))

    @app.get("/api/documents/{document_id}")
    def api_document(document_id: str):
        data = found(read(views.document_page, document_id), "document")
        return JSONResponse({k: v for k, v in data.items() if k != "segments"})

    @app.get("/api/quotes")
    def api_quotes(speaker: str, offset: Offset = 0, limit: Limit = views.PAGE_SIZE):
        return JSONResponse(read(views.quotes_page, speaker, offset, limit))

    @app.get("/api/entities/{entity_id}")
    def api_entity(entity_id: str, offset: Offset = 0, limit: Limit = views.PAGE_SIZE):
        return JSONResponse(found(read(views.entity_page, entity_id, offset, limit), "entity"))

    @app.get("/api/search")
    def api_search(q: str, offset: Offset = 0, limit: Limit = views.SEARCH_RESULTS,
                   since: Annotated[str | None, Query(pattern=ISO_DATE)] = None,
                   until: Annotated[str | None, Query(pattern=ISO_DATE)] = None, outlet: str | None = None,
                   entity: str | None = None):
        return JSONResponse(read(views.search, q, offset, limit, since, until, outlet or None, entity or None))

    return app


def serve(db: Path, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
