"""gridgov export_openapi: print the API's OpenAPI document (committed as docs/api/openapi.json)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the OpenAPI document of /api/v1/."

    def handle(self, *args: object, **opts: object) -> None:
        from gridgov.api import api

        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        self.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True))
