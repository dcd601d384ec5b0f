"""The `gridgov` console script: Django's manage.py under the project's own name.

`import` and `export` are Python keywords, which Django command modules cannot be named:
`gridgov import …` runs the command import_registry, `gridgov export …` export_registry.
"""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "import_registry", "export": "export_registry"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv[1:])
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    elif args[:1] == ["help"] and len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    execute_from_command_line(["gridgov", *args])


if __name__ == "__main__":
    main()
