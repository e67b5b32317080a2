"""A stand-in for headless Chromium's ``--remote-debugging-pipe``: reads DevTools commands
(JSON, each ended by a NUL byte) on file descriptor 3 and answers on 4, so the tests of
:class:`powerscope.brief.pdf.Printer` run without a browser.

``FAKE_CHROMIUM_MODE`` picks a behaviour: ``ok`` (prints a small PDF), ``exit`` (writes a line
to stderr and exits with code 3 at the first command), ``hang`` (never answers), ``refuse``
(answers the navigation with an error), ``no-pdf`` (returns data that is not a PDF),
``blank`` (the charts are never drawn). ``FAKE_CHROMIUM_LOG`` names a file that gets this
process's id and every method received, one a line.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time


def log(line: str) -> None:
    path = os.environ.get("FAKE_CHROMIUM_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def send(message: dict[str, object]) -> None:
    os.write(4, json.dumps(message).encode() + b"\0")


def main() -> None:
    mode = os.environ.get("FAKE_CHROMIUM_MODE", "ok")
    log(f"pid {os.getpid()}")
    log("args " + " ".join(sys.argv[1:]))
    buffer = b""
    while True:
        chunk = os.read(3, 1 << 16)
        if not chunk:  # the pipe closed: exit, as Chromium does
            return
        buffer += chunk
        while b"\0" in buffer:
            raw, buffer = buffer.split(b"\0", 1)
            message = json.loads(raw)
            method, ident = message["method"], message["id"]
            session = message.get("sessionId")
            log(f"method {method}")
            if mode == "exit":
                sys.stderr.write("boom: no display\n")
                sys.exit(3)
            if mode == "hang":
                time.sleep(3600)
            reply: dict[str, object] = {"id": ident, "result": {}}
            if method == "Browser.close":  # the caller may have closed its end already
                return
            if method == "Target.createTarget":
                reply["result"] = {"targetId": "T1"}
            elif method == "Target.attachToTarget":
                reply["result"] = {"sessionId": "S1"}
            elif method == "Page.navigate":
                if mode == "refuse":
                    reply = {"id": ident, "error": {"code": -32000, "message": "no such file"}}
                else:
                    log("url " + str(message["params"]["url"]))
                    reply["result"] = {"frameId": "F1"}
            elif method == "Runtime.evaluate":
                drawn = mode != "blank"
                reply["result"] = {"result": {"type": "boolean", "value": drawn}}
            elif method == "Page.printToPDF":
                data = b"<html>" if mode == "no-pdf" else b"%PDF-1.4 stand-in"
                reply["result"] = {"data": base64.b64encode(data).decode()}
            if session is not None:
                reply["sessionId"] = session
            send(reply)
            if method == "Page.navigate" and mode != "refuse":
                send({"method": "Page.loadEventFired", "params": {}, "sessionId": session})


if __name__ == "__main__":
    main()
