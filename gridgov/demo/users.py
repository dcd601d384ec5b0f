"""The demo's people: an administrator and a few staff holding roles on real grids."""

from __future__ import annotations

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import Role
from gridgov.grids.models import Grid

# Demo credentials are printed by `gridgov demo`; they exist only in the demo database.
DEMO_PASSWORD = "gridgov-demo"


def ensure_demo_users() -> list[tuple[str, str, str]]:
    out = []
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_superuser": True, "is_staff": True, "first_name": "管理员"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    out.append(("admin", DEMO_PASSWORD, "system administrator: the whole county"))
    street = Grid.objects.current().filter(depth=1, network__slug="comprehensive").first()
    grid = (
        Grid.objects.current()
        .filter(network__slug="comprehensive", depth=3, kind="comprehensive")
        .first()
    )
    for username, name, node, role, what in [
        ("street", "街道网格管理员", street, Role.GRID_ADMIN, "grid administrator of a street"),
        ("worker", "网格员", grid, Role.GRID_WORKER, "grid worker of one grid"),
    ]:
        if node is None:
            continue
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Assignment.objects.get_or_create(user=user, grid=node, role=role)
        out.append((username, DEMO_PASSWORD, f"{what}: {node.code} {node.name}"))
    return out
