"""The benches' load generator: one thread, non-blocking sockets, a request per connection.

On a two-core machine the client shares the cores with the server it measures, so it must
cost little: a threaded `http.client` client took about 1.2 ms of CPU a request (threads
handing the GIL around, the library parsing headers), this one about a fifth of that. Each
request is sent whole as bytes built beforehand, and the answer is read to the end of the
connection (the request says `Connection: close`); only the status line is parsed.
Loopback only (HOST): it is a measuring tool, not a client.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"
NAME = "one Python thread, non-blocking sockets (gridgov.demo.loadgen)"
STALL = 30.0  # seconds without any answer before the run gives up on its open requests


@dataclass
class Tally:
    ms: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """One HTTP/1.1 request as bytes, closing its connection."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _status(answer: bytes) -> int:
    # "HTTP/1.1 201 Created\r\n…"
    try:
        return int(answer[9:12]) if answer.startswith(b"HTTP/1.") else 0
    except ValueError:
        return 0


@dataclass
class _Open:
    sock: socket.socket
    out: memoryview
    started: float
    answer: bytearray = field(default_factory=bytearray)


def run(
    port: int, next_request: Callable[[], bytes], ok: int, concurrency: int, seconds: float,
    cap: int = 10**9,
) -> tuple[Tally, float]:  # fmt: skip
    """Keep `concurrency` requests open until `seconds` have passed or `cap` were sent; the
    latency of each and how many did not answer `ok` (0 for a connection error)."""
    tally = Tally()
    selector = selectors.DefaultSelector()
    stop = time.monotonic() + seconds
    sent = 0

    def start() -> None:
        nonlocal sent
        if sent >= cap or time.monotonic() >= stop:
            return
        sent += 1
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.connect_ex((HOST, port))
        item = _Open(sock, memoryview(next_request()), time.perf_counter())
        selector.register(sock, selectors.EVENT_WRITE, item)

    def finish(item: _Open, status: int) -> None:
        selector.unregister(item.sock)
        item.sock.close()
        tally.ms.append((time.perf_counter() - item.started) * 1000)
        tally.errors += status != ok
        start()

    began = time.perf_counter()
    for _ in range(concurrency):
        start()
    quiet_since = time.monotonic()
    while selector.get_map():
        ready = selector.select(timeout=1.0)
        if not ready:
            if time.monotonic() - quiet_since > STALL:
                for key in list(selector.get_map().values()):
                    finish(key.data, 0)
            continue
        quiet_since = time.monotonic()
        for key, _events in ready:
            item: _Open = key.data
            try:
                if item.out:
                    item.out = item.out[item.sock.send(item.out) :]
                    if not item.out:
                        selector.modify(item.sock, selectors.EVENT_READ, item)
                    continue
                chunk = item.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                finish(item, 0)
                continue
            if chunk:
                item.answer += chunk
            else:
                finish(item, _status(bytes(item.answer[:16])))
    return tally, time.perf_counter() - began


__all__ = ["NAME", "Tally", "request", "run"]
