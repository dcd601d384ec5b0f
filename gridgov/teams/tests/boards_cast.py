"""People on the boards of the fixed cast (gridgov/conftest.py), added once per module.

Grid A1 gets a head 赵磊 (on boards, photo and phone), its worker `worker_a1` named 张伟 (on
boards, phone, no photo), an instructor 王芳 whose card is NOT on boards (her phone must
never show), a party member 李娜, and a volunteer `volunteer_a1` (report right only: in
scope, but no view right). Photos go to a temporary MEDIA_ROOT.
"""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

from PIL import Image

BOARD_A1 = "/teams/board/640402001001001/"
PUBLIC_A1 = "http://testserver" + BOARD_A1


def jpeg(size: tuple[int, int] = (900, 1200), exif: bool = False, fmt: str = "JPEG") -> bytes:
    """A picture; with `exif`, one carrying a camera make, a GPS tag and orientation 6."""
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if exif:
        e = Image.Exif()
        e[0x010F] = "SecretCam"  # Make
        e[0x0112] = 6  # Orientation: rotate 90° when shown
        e[0x8825] = {1: "N", 2: (36.0, 1.0, 0.0)}  # GPS IFD
        kwargs["exif"] = e
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def add_people(c: SimpleNamespace) -> SimpleNamespace:
    from gridgov.accounts.models import Assignment, User
    from gridgov.accounts.roles import Role
    from gridgov.conftest import EPOCH
    from gridgov.teams import profiles

    def person(username: str, name: str, role: str) -> Any:
        user = User.objects.create_user(username, password="pw", first_name=name)
        Assignment.objects.create(user=user, grid=c.a1, role=role, starts_on=EPOCH)
        return user

    c.head_a1 = person("head_a1", "赵磊", Role.GRID_HEAD)
    c.instructor_a1 = person("instructor_a1", "王芳", Role.GRID_INSTRUCTOR)
    c.party_a1 = person("party_a1", "李娜", Role.PARTY_MEMBER)
    c.volunteer_a1 = person("volunteer_a1", "", Role.VOLUNTEER)
    c.worker_a1.first_name = "张伟"
    c.worker_a1.save(update_fields=["first_name"])
    for user, phone, photo, on in (
        (c.head_a1, "0954-2012345", jpeg(), True),
        (c.worker_a1, "13912345678", None, True),
        (c.instructor_a1, "13800001111", jpeg(), False),
    ):
        profiles.update_profile(
            actor=user, person=user, phone=phone, photo=photo, duties="入户走访", on_boards=on
        )
    return c
