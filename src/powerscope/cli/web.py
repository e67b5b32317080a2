"""``powerscope serve``: the HTTP API and the dashboard (uvicorn)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from powerscope.errors import PowerscopeError


def read_token(path: Path) -> str:
    """The API token from a file (its first line, stripped); the file should be private."""
    from powerscope.files import read_text_file

    text = read_text_file(path, "token file", error=PowerscopeError, max_bytes=64 * 1024)
    lines = text.strip().splitlines()
    token = lines[0].strip() if lines else ""
    if len(token) < 16:
        raise PowerscopeError(
            "the API token is empty or shorter than 16 characters",
            where=str(path),
            fix="write a long random token, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))' > FILE",
        )
    if os.name == "posix" and path.stat().st_mode & 0o077:
        sys.stderr.write(f"warning: {path} is readable by others; chmod 600 it\n")
    return token


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    token_file: Annotated[
        Path | None,
        typer.Option(
            help="File holding the API token that allows uploads (default: "
            "$POWERSCOPE_API_TOKEN; none: uploads disabled)."
        ),
    ] = None,
    upload_dir: Annotated[
        Path | None,
        typer.Option(help="Where uploads are stored (default: $POWERSCOPE_HOME/uploads)."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(min=1, max=64, help="Worker processes (each keeps its own data in memory)."),
    ] = 1,
    heavy_workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=32,
            help="Processes for heavy computations (uncertainty, dynamic-model runs) of each "
            "server worker, so the dashboard stays responsive while they run (default: "
            "$POWERSCOPE_HEAVY_WORKERS, else half the cores, 1 to 4; 0: in the server's "
            "threads).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API (/api, schema at /openapi.json) and the dashboard (/)."""
    import uvicorn

    from powerscope.web.api import create_app
    from powerscope.web.limits import HEAVY_WORKERS_ENV

    if heavy_workers is not None:  # read by every server worker's app (Limits.heavy_workers)
        os.environ[HEAVY_WORKERS_ENV] = str(heavy_workers)
    token = read_token(token_file) if token_file is not None else None
    app = create_app(token=token, upload_dir=upload_dir)
    uploads = "enabled" if app.state.token else "disabled (no token)"
    heavy = app.state.powerscope.limits.heavy_workers
    where = f"{heavy} worker process{'es' if heavy > 1 else ''}" if heavy else "threads"
    typer.echo(
        f"powerscope on http://{host}:{port}/ (API schema: /openapi.json; uploads {uploads}; "
        f"heavy computations in {where})"
    )
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info")
        return
    # worker processes build their own app from the environment
    if token:
        os.environ["POWERSCOPE_API_TOKEN"] = token
    if upload_dir is not None:
        os.environ["POWERSCOPE_UPLOAD_DIR"] = str(upload_dir.resolve())
    uvicorn.run(
        "powerscope.web.api:create_app", factory=True, host=host, port=port, workers=workers,
        log_level="info",
    )  # fmt: skip
