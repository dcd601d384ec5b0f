"""gridgov bench http: requests per second of the production server (`gridgov serve`).

Starts the server on a free loopback port against a new demo district in a temporary folder
(or the configured database), logs in as the demo grid worker, and drives two targets for a
bounded time and count each: a list page (/registry/residents/) and the grid lookup API
(/api/v1/grids/lookup at random points of the county). The load generator
(gridgov.demo.loadgen) is a small single-threaded client in this process: it is always
there, reports p50/p95/p99 itself, and needs no package; on a small machine it takes CPU
from the server, which the figures include (say so when comparing).
"""

from __future__ import annotations

import http.client
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from gridgov.demo import loadgen
from gridgov.demo.loadgen import Tally
from gridgov.demo.users import DEMO_PASSWORD

Write = Callable[[str], None]
HOST = "127.0.0.1"  # the only address this bench sends requests to
USER = "worker"  # the demo grid worker: no second factor, one grid in scope


class BenchError(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _gridgov(*args: str, env: dict[str, str], capture: bool = True) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gridgov.cli", *args],
        env=env, capture_output=capture, text=True, timeout=1800,
    )  # fmt: skip
    if done.returncode:
        raise BenchError(f"gridgov {args[0]} failed: {(done.stderr or '')[-2000:]}")
    return done.stdout or ""


BBOX = (
    "from gridgov.grids.models import Grid;"
    "g = Grid.objects.filter(network__slug='comprehensive', parent=None).first();"
    "print(g.min_lon, g.min_lat, g.max_lon, g.max_lat) if g else print('')"
)


@contextmanager
def _server(env: dict[str, str], workers: int) -> Iterator[int]:
    port = _free_port()
    cmd = [sys.executable, "-m", "gridgov.cli", "serve", f"--bind={HOST}:{port}",
           f"--workers={workers}", "--no-access-log"]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/login/")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                err = server.stderr.read().decode()[-2000:] if server.stderr else ""
                raise BenchError(f"the server did not start: {err}")
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _get(port: int, path: str, cookie: str = "") -> tuple[int, bytes, http.client.HTTPMessage]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        answer = conn.getresponse()
        return answer.status, answer.read(), answer.headers
    finally:
        conn.close()


def _log_in(port: int) -> str:
    """The session cookie of the demo grid worker, through the login form."""
    headers = _get(port, "/login/")[2]
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    token = jar["csrftoken"].value
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    body = urlencode({"username": USER, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token})
    conn.request("POST", "/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={token}",
        "Origin": f"http://{HOST}:{port}", "Referer": f"http://{HOST}:{port}/login/",
    })  # fmt: skip
    answer = conn.getresponse()
    answer.read()
    for value in answer.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    conn.close()
    if answer.status != 302 or "sessionid" not in jar:
        raise BenchError(f"could not log in as {USER} (HTTP {answer.status})")
    return f"csrftoken={token}; sessionid={jar['sessionid'].value}"


def _drive(
    port: int, paths: Callable[[], str], cookie: str, concurrency: int, seconds: float, cap: int
) -> tuple[Tally, float]:
    def one() -> bytes:
        return loadgen.request("GET", paths(), {"Cookie": cookie})

    return loadgen.run(port, one, 200, concurrency, seconds, cap)


def _report(write: Write, name: str, tally: Tally, elapsed: float) -> None:
    ms = sorted(tally.ms)

    def pct(p: float) -> str:
        return f"{ms[min(len(ms) - 1, int(p * len(ms)))]:.1f}" if ms else "-"

    write(f"{name}_requests: {len(ms)}")
    write(f"{name}_errors: {tally.errors}")
    write(f"{name}_rate: {len(ms) / elapsed:.0f} requests/s")
    write(f"{name}_latency: p50 {pct(0.50)} ms, p95 {pct(0.95)} ms, p99 {pct(0.99)} ms")


def run(
    write: Write,
    *,
    workers: int,
    concurrency: int,
    seconds: float,
    max_requests: int,
    households: int,
    configured_db: bool,
    seed: int = 5,
) -> None:
    env = dict(os.environ)
    # Plain HTTP on loopback: whatever the deployment's proxy settings, not here.
    for name in ("GRIDGOV_BEHIND_HTTPS_PROXY", "GRIDGOV_SSL_REDIRECT", "GRIDGOV_SECURE_COOKIES"):
        env[name] = "false"
    env.pop("GRIDGOV_TESTING", None)
    folder = None
    try:
        if not configured_db:
            folder = tempfile.mkdtemp(prefix="gridgov-bench-http-")
            env.pop("DATABASE_URL", None)
            env.update(GRIDGOV_VAR_DIR=folder, GRIDGOV_FIELD_KEYS="", GRIDGOV_LOOKUP_KEY="")
            write(f"Seeding {households} households into a temporary SQLite database…")
        _gridgov("demo", "--no-serve", f"--households={households}", env=env)
        box = [float(v) for v in _gridgov("shell", "--no-imports", "-c", BBOX, env=env).split()]
        if len(box) != 4:
            raise BenchError("no comprehensive network in the database")
        rng = random.Random(seed)

        def lookup() -> str:
            lon = rng.uniform(box[0], box[2])
            lat = rng.uniform(box[1], box[3])
            return f"/api/v1/grids/lookup?lon={lon:.6f}&lat={lat:.6f}"

        with _server(env, workers) as port:
            cookie = _log_in(port)
            write(f"server: gunicorn (gridgov serve), {workers} sync workers, {HOST}:{port}")
            write(f"load_generator: {loadgen.NAME}, {concurrency} connections")
            write(f"limits: {seconds:g} s or {max_requests} requests per target")
            write(f"cores: {os.cpu_count()}")
            write(f"load_average: {os.getloadavg()[0]:.2f}")
            write(f"database: {'configured' if configured_db else 'temporary SQLite'}")
            targets: list[tuple[str, Callable[[], str]]] = [
                ("residents_page", lambda: "/registry/residents/"),
                ("lookup_api", lookup),
            ]
            for name, paths in targets:
                _drive(port, paths, cookie, concurrency, 1.0, 50)  # warm the workers
                tally, elapsed = _drive(port, paths, cookie, concurrency, seconds, max_requests)
                _report(write, name, tally, elapsed)
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
