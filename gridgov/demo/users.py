"""The demo's people: an administrator and a few staff holding roles on real grids."""

from __future__ import annotations

import base64

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.accounts import security
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
    out.append(("admin", DEMO_PASSWORD, "system administrator: the whole county" + _second(admin)))
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
        out.append((username, DEMO_PASSWORD, f"{what}: {node.code} {node.name}" + _second(user)))
    return out


@transaction.atomic
def _second(user: User) -> str:
    """A demo account whose roles require a second factor gets one at once, so that the demo
    can be tried without a phone: its TOTP key (for an authenticator app, if one is at hand)
    and three fresh recovery codes, printed with the account."""
    if not security.second_factor_required(user):
        return ""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "demo"}
    )
    recovery, _ = StaticDevice.objects.get_or_create(user=user, name="recovery")
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(3)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    key = base64.b32encode(device.bin_key).decode()
    pad = " " * 28
    return (
        f"\n{pad}second factor: a recovery code ({', '.join(codes)})"
        f"\n{pad}or a code from an authenticator app with the key {key}"
    )
