"""The dashboard: ``/`` (its page), ``/static`` (its files) and plotly.js from the installed
plotly package. Nothing here is in the OpenAPI schema."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from fastapi import APIRouter, FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

router = APIRouter(include_in_schema=False)


def plotly_js_path() -> Path | None:
    """The installed plotly package's ``plotly.min.js``, if any."""
    found = find_spec("plotly")
    if found is None or not found.submodule_search_locations:
        return None
    path = Path(next(iter(found.submodule_search_locations))) / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


PLOTLY_JS = plotly_js_path()


@router.get("/static/vendor/plotly.min.js")
def plotly_js() -> Response:
    if PLOTLY_JS is None:
        raise StarletteHTTPException(404, "plotly is not installed")
    # 4.8 MB that only changes with the plotly package: let browsers keep it for a day
    return FileResponse(
        PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/")
def dashboard() -> Response:
    index = STATIC_DIR / "index.html"
    if not index.is_file():
        return HTMLResponse("<!doctype html><title>powerscope</title><p>powerscope API: "
                            "<a href='/openapi.json'>/openapi.json</a></p>")  # fmt: skip
    return FileResponse(index, media_type="text/html")


def mount_static(app: FastAPI) -> None:
    """Serve the dashboard's files under ``/static`` (after the router's routes)."""
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
