"""The visit rules the platform starts with (loaded by migration 0002; administrators change
them in the admin afterwards, for everywhere or per grid subtree).

Plan 1's must-visit groups (必訪: 困難家庭、失業群眾、孤寡空巢老人和留守兒童、特殊人群) map onto
the registry's tag kinds; 孤寡空巢老人 is both elderly living alone and empty-nest elderly.
The intervals are this project's defaults, in the spirit of the plans' "regular visits"
(定期入戶走訪); a county sets its own.
"""

from __future__ import annotations

# (kind, every, unit, must visit)
RULES = [
    ("everyone", 1, "year", False),
    ("elderly_alone", 1, "week", True),
    ("empty_nest", 2, "week", True),
    ("special_group", 2, "week", True),
    ("left_behind_child", 1, "month", True),
    ("hardship", 1, "month", True),
    ("unemployed", 1, "month", True),
    ("disability", 3, "month", False),
]
