"""Static file storage for production: hashed names and compressed copies (whitenoise)."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: Any) -> tuple[Any, ...]:
    return tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for glob, rules in patterns
    )


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Django's manifest storage, except that `sourceMappingURL` comments are not followed:
    vendored libraries (Leaflet, Swagger UI) name source maps they do not ship, and
    collectstatic would refuse the missing file. Browsers fetch them only for developers."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
