"""The benches' load generator counts answers, errors and refused connections."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gridgov.demo import loadgen


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 201 if body == b"good" else 500
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = ThreadingHTTPServer((loadgen.HOST, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_it_counts_answers_and_errors(port: int) -> None:
    bodies = iter([b"good", b"bad"] * 50)

    def one() -> bytes:
        return loadgen.request("POST", "/", {"Content-Type": "text/plain"}, next(bodies))

    tally, elapsed = loadgen.run(port, one, 201, concurrency=4, seconds=30, cap=100)
    assert len(tally.ms) == 100 and tally.errors == 50
    assert elapsed > 0 and all(ms >= 0 for ms in tally.ms)


def test_it_counts_a_refused_connection_as_an_error() -> None:
    with socket.socket() as s:
        s.bind((loadgen.HOST, 0))
        closed = s.getsockname()[1]  # nothing listens once it is closed
    tally, _ = loadgen.run(closed, lambda: loadgen.request("GET", "/", {}), 200, 2, 30, cap=3)
    assert (len(tally.ms), tally.errors) == (3, 3)
