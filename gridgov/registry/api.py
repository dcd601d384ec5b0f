"""/api/v1/registry: households, residents, tags, places, components, organisations."""

from ninja import Router

router = Router(tags=["registry"])
