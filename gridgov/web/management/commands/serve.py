"""gridgov serve: the production web server (gunicorn, docs/adr/0010-web-server.md).

Several worker processes, static files by whitenoise (collected, hashed and compressed at
each start). Behind nginx in production (docs/deploy.md); `gridgov demo` serves with it too,
with `--with-tasks` starting a task consumer beside the workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

# The request path without its query string: searches put ID numbers and phones in the
# query (?q=…), and access logs must not carry them. Referer is left out for the same reason.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def default_bind() -> str:
    port = os.environ.get("PORT") or "8000"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"PORT must be a port number, not {port!r}")
    return f"127.0.0.1:{port}"


def default_workers() -> int:
    """GRIDGOV_WEB_WORKERS, else gunicorn's rule of thumb (2 × cores + 1), at most 8: each
    worker holds its own copy of the spatial index and a database connection."""
    return settings.WEB_WORKERS or min(2 * (os.cpu_count() or 1) + 1, 8)


class TaskConsumer:
    """`gridgov run_tasks` as a child process of the server (the demo's one command): started
    when the server is ready, stopped (letting its running task finish) when it stops."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, server: Any = None) -> None:
        cmd = [sys.executable, "-m", "gridgov.cli", "run_tasks", f"--workers={self.workers}"]
        self.process = subprocess.Popen(cmd)

    def stop(self, server: Any = None) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn run inside this process, with the settings Django already loaded."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()


def _close_connections(*args: Any) -> None:
    # A connection opened in the master (migrate, collectstatic, the demo's seeding) must
    # not be inherited by forked workers: two processes on one socket corrupt it.
    connections.close_all()


def gunicorn_options(
    *, bind: str, workers: int, threads: int, timeout: int, access_log: bool
) -> dict[str, Any]:
    return {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": 30,
        # Load Django once in the master; workers share its memory after the fork.
        "preload_app": True,
        # Recycle workers now and then, staggered, so that a slow leak never takes all.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "proc_name": "gridgov",
        "accesslog": "-" if access_log else None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        # One control socket per user by default: two servers (demo and bench) would collide.
        "control_socket_disable": True,
        "pre_fork": lambda server, worker: _close_connections(),
    }


class Command(BaseCommand):
    help = (
        "Serve gridgov with gunicorn: several worker processes, static files by whitenoise."
        " Collects static files first. Run it behind an HTTPS reverse proxy (docs/deploy.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            help="address:port or unix:PATH (default 127.0.0.1:$PORT, PORT defaulting to 8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="worker processes (default GRIDGOV_WEB_WORKERS, else 2 x cores + 1, at most 8)",
        )
        parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
        parser.add_argument(
            "--timeout",
            type=int,
            default=settings.WEB_TIMEOUT,
            help="seconds a request may take before its worker is restarted"
            " (default GRIDGOV_WEB_TIMEOUT, 120)",
        )
        parser.add_argument("--no-access-log", action="store_true")
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="serve the static files as they are"
        )
        parser.add_argument(
            "--with-tasks",
            action="store_true",
            help="also run a task consumer (`gridgov run_tasks`) while serving: one machine,"
            " one command; production runs it as its own service",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        workers = opts["workers"] or default_workers()
        if workers < 1 or opts["threads"] < 1 or opts["timeout"] < 1:
            raise CommandError("--workers, --threads and --timeout must be at least 1")
        if not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        _close_connections()
        options = gunicorn_options(
            bind=opts["bind"] or default_bind(),
            workers=workers,
            threads=opts["threads"],
            timeout=opts["timeout"],
            access_log=not opts["no_access_log"],
        )
        if opts["with_tasks"]:
            consumer = TaskConsumer()
            options["when_ready"] = consumer.start
            options["on_exit"] = consumer.stop
        Server(options).run()
