"""A real HTTP server on 127.0.0.1 for the webhook tests: answers each POST with the next
planned reply (a status, or "slow" to sleep past the client's timeout) and keeps what it got."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Hook:
    replies: list[Any] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@contextmanager
def serve(replies: list[Any], slow_seconds: float = 1.0) -> Iterator[Hook]:
    hook = Hook(replies=list(replies))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            hook.received.append((dict(self.headers), body))
            reply = hook.replies.pop(0) if hook.replies else 200
            if reply == "slow":
                time.sleep(slow_seconds)
                reply = 200
            self.send_response(reply)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
