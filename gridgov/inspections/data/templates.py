"""The inspection templates of plans 5 and 6, loaded by migration 0002 (editable in the admin).

Plan 6 (网格化服务管理工作实施方案篇六): 日巡查 by the safety and environment department every
day, 周抽查 by the supervision office every week, 月检查 of every grid by the supervision
group every month; at each month's end the deductions of each grid's responsible people are
summed for the grids' incentive fund. Plan 5: 门前五包 and the Friday and month-end hygiene
days (周五、月末卫生日). Columns: code, name, kind, case category of findings, description,
items as (text, points if passed, points deducted if failed).
"""

from __future__ import annotations

from typing import Any

SAFETY = (
    ("消防通道畅通,无占用堵塞", 0, 2),
    ("灭火器等消防器材完好有效", 0, 2),
    ("用电线路规范,无私拉乱接", 0, 2),
    ("危险化学品按规定存放", 0, 3),
    ("无乱排乱放、环境污染", 0, 2),
)
HYGIENE = (
    ("门前无垃圾、无杂物(门前五包)", 1, 1),
    ("庭院、楼道清扫保洁", 1, 1),
    ("公厕清洁,无异味", 1, 1),
    ("车辆停放整齐有序", 1, 1),
    ("绿化带无破坏、无乱堆放", 1, 1),
)

TEMPLATES = (
    ("safety-daily", "安全环保部日巡查", "safety", "0801",
     "安全环保部成员每日巡查(方案六)", SAFETY),
    ("safety-weekly-spot", "督查室周抽查", "safety", "0801",
     "监督小组办公室每周抽查(方案六)", SAFETY),
    ("safety-monthly-grid", "督查组月检查", "safety", "0801",
     "监督小组对全部范围网格每月检查(方案六)",
     (*SAFETY, ("安全管理责任落实到人", 5, 5))),
    ("hygiene-friday", "周五卫生日", "hygiene", "0101", "每周五卫生日(方案五)", HYGIENE),
    ("hygiene-month-end", "月末卫生日", "hygiene", "0101", "每月末卫生日(方案五)",
     (*HYGIENE, ("卫生死角彻底清理", 2, 2))),
)  # fmt: skip


def load_templates(template_model: Any, item_model: Any) -> int:
    """Create the templates that are missing (by code); returns how many were made."""
    made = 0
    for code, name, kind, category, description, items in TEMPLATES:
        t, created = template_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "category_code": category,
                      "description": description},
        )  # fmt: skip
        if created:
            made += 1
            item_model.objects.bulk_create(
                item_model(template=t, position=i, text=text, pass_points=plus,
                           fail_points=minus)
                for i, (text, plus, minus) in enumerate(items, start=1)
            )  # fmt: skip
    return made
