"""docs/deploy.md, run where it can be here: its environment passes `gridgov check --deploy`,
its systemd units start gridgov commands that exist with options they take, its nginx
server caps bodies as gridgov does."""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

from gridgov.cli import ALIASES

GUIDE = Path(settings.BASE_DIR) / "docs" / "deploy.md"


def files() -> dict[str, str]:
    """The guide's code blocks whose first line is `# file: PATH`, by PATH."""
    blocks = re.findall(r"```[a-z]*\n# file: (\S+)\n(.*?)```", GUIDE.read_text(), re.S)
    return {path: body for path, body in blocks}


def documented_environment() -> dict[str, str]:
    lines = files()["/etc/gridgov/gridgov.env"].splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_it_passes_check_deploy_with_the_documented_environment(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDGOV_", "DATABASE_"))}
    env.update(documented_environment())
    # What this machine cannot have: real secrets, the server's folders and database.
    env.update(
        {name: secrets.token_urlsafe(48) for name, v in env.items() if v == "change-me"},
        GRIDGOV_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    if importlib.util.find_spec("redis") is None:  # the `redis` extra is not installed here
        del env["GRIDGOV_TASKS_URL"]

    done = subprocess.run(
        [sys.executable, "-m", "gridgov.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.strip() == "System check identified no issues (1 silenced)."


@pytest.mark.parametrize("unit", ["gridgov-web.service", "gridgov-tasks.service"])
def test_it_starts_commands_that_exist_from_the_systemd_units(unit: str) -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(files()[f"/etc/systemd/system/{unit}"])
    service = parser["Service"]
    assert service["EnvironmentFile"] == "/etc/gridgov/gridgov.env"
    program, name, *args = shlex.split(service["ExecStart"])
    assert program.endswith("/.venv/bin/gridgov")
    name = ALIASES.get(name, name)
    assert get_commands()[name] is not None
    command = load_command_class(get_commands()[name], name)
    command.create_parser("gridgov", name).parse_args(args)  # exits on an unknown option
    assert parser["Install"]["WantedBy"] == "multi-user.target"


def test_it_caps_bodies_at_the_proxy_as_gridgov_does() -> None:
    nginx = files()["/etc/nginx/sites-available/gridgov"]
    cap = re.search(r"client_max_body_size (\d+)m;", nginx)
    read = re.search(r"proxy_read_timeout (\d+)s;", nginx)
    assert cap and read
    assert int(cap[1]) * 1024 * 1024 == settings.GRIDGOV_MAX_UPLOAD_BYTES
    assert int(read[1]) > settings.WEB_TIMEOUT
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header X-Real-IP $remote_addr;" in nginx
