"""The sheet layouts: the columns of each kind of import (households, residents, tags), the
headers this package writes into its own files, and the styles of its sheets."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Font, PatternFill

from .spellings import DETAIL_CHOICES

ERROR_HEADER = "错误"
ROW_HEADER = "原行号"
STATUS_HEADER = "状态"
GRID_NAME_HEADER = "网格名称"
MEMBERS_HEADER = "人数"
# Columns this package writes into its own files; an import skips them, so that an error
# workbook or an export can be corrected and imported again.
OUTPUT_HEADERS = frozenset(
    {ERROR_HEADER, ROW_HEADER, STATUS_HEADER, GRID_NAME_HEADER, MEMBERS_HEADER}
)
NOTES_SHEET = "说明"
BAD_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
HEAD_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="B3261E")
HEAD_FONT = Font(bold=True)
AUTHOR = "gridgov"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text, date, bool, int, or a choice set name
    width: int = 14
    max_length: int = 0
    aliases: tuple[str, ...] = ()


HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("grid", "网格编码", required=True, width=18, aliases=("网格代码",)),
    Column("address", "地址", required=True, width=36, max_length=200, aliases=("住址",)),
    Column("unit", "单元", max_length=10, width=8),
    Column("floor", "楼层", kind="int", width=8),
    Column("room", "房号", max_length=20, width=10, aliases=("门牌号", "房间号")),
    Column("household_type", "户类型", required=True, kind="household_type", width=16),
    Column("building", "楼栋编码", width=22),
)

RESIDENT_COLUMNS: tuple[Column, ...] = (
    Column("grid", "网格编码", required=True, width=18, aliases=("网格代码",)),
    Column("address", "地址", required=True, width=36, max_length=200, aliases=("住址",)),
    Column("unit", "单元", max_length=10, width=8),
    Column("room", "房号", max_length=20, width=10, aliases=("门牌号", "房间号")),
    Column("household_type", "户类型", kind="household_type", width=16),
    Column("name", "姓名", required=True, width=12),
    Column("relation", "与户主关系", required=True, kind="relation", width=12,
           aliases=("关系",)),
    Column("document_type", "证件类型", kind="document_type", width=16),
    Column("id_number", "证件号码", required=True, width=22,
           aliases=("身份证号", "身份证号码", "公民身份号码")),
    Column("birth_date", "出生日期", kind="date", width=12),
    Column("sex", "性别", kind="sex", width=8),
    Column("phone", "联系电话", width=16, aliases=("手机号", "手机号码", "电话")),
    Column("residence_status", "居住类型", kind="residence_status", width=12,
           aliases=("人口类型",)),
    Column("floating_until", "居住证有效期至", kind="date", width=14),
    Column("nationality", "国籍", width=10),
    Column("party_member", "党员", kind="bool", width=8, aliases=("政治面貌",)),
)  # fmt: skip

# The headers of a tag's own fields are the tag form's labels (choices.DETAIL_LABELS) in
# Simplified Chinese, written out: the file format must not move with a translation.
DETAIL_HEADERS = {
    "assistance": "救助类型", "category": "残疾类别", "grade": "残疾等级",
    "guardian": "监护人", "guardian_phone": "监护人电话", "parents_work_in": "父母务工地",
    "emergency_contact": "紧急联系人", "emergency_contact_phone": "紧急联系人电话",
    "group": "人群类别", "since": "失业时间",
    "registered": "已登记失业", "from_place": "户籍地", "purpose": "来华事由",
}  # fmt: skip

TAG_COLUMNS: tuple[Column, ...] = (
    # Exactly one of the two: a tag is on a resident or on a household.
    Column("id_number", "身份证号", width=22,
           aliases=("证件号码", "身份证号码", "公民身份号码")),
    Column("household", "户编号", width=38),
    Column("name", "姓名", width=12),
    Column("tag_kind", "标签类型", required=True, kind="tag_kind", width=14,
           aliases=("标签",)),
    Column("start", "开始日期", required=True, kind="date", width=12, aliases=("起始日期",)),
    Column("end", "结束日期", kind="date", width=12, aliases=("截止日期",)),
    *(
        Column(f"detail_{key}", header, kind=f"detail_{key}" if f"detail_{key}" in
               DETAIL_CHOICES else "text", width=max(12, 2 * len(header) + 4))
        for key, header in DETAIL_HEADERS.items()
    ),
)  # fmt: skip

LAYOUTS: dict[str, tuple[Column, ...]] = {
    "households": HOUSEHOLD_COLUMNS,
    "residents": RESIDENT_COLUMNS,
    "tags": TAG_COLUMNS,
}
SHEET_TITLES = {"households": "住户", "residents": "居民", "tags": "关注标签"}
