"""The category tree the platform starts with (loaded by migration 0002; administrators
change it in the admin afterwards).

Major classes 01–06 are GB/T 30428's event classes (市容環境, 宣傳廣告, 施工管理, 街面秩序,
突發事件, 擴展事件); 07– are the social-governance categories of the plans (plan 1 必到/必報/
必訪, plan 7). Each minor class: (code, name, filing condition, closing condition, default
unit, (file, dispatch, handle, verify) limits as (amount, kind), flags).
Limits are this project's defaults, in the spirit of digital city-management practice
(emergencies on a continuous clock in hours; the rest in working time); a county sets its own.
"""

from __future__ import annotations

H, WH, WD, ND = "emergency_hours", "working_hours", "working_days", "natural_days"
ROUTINE = ((2, WH), (2, WH), (3, WD), (1, WD))
QUICK = ((1, WH), (1, WH), (8, WH), (1, WD))
URGENT = ((1, H), (1, H), (4, H), (1, WD))
LONG = ((1, WD), (1, WD), (15, WD), (2, WD))

MAJORS = [
    ("01", "市容环境"),
    ("02", "宣传广告"),
    ("03", "施工管理"),
    ("04", "街面秩序"),
    ("05", "突发事件"),
    ("06", "扩展事件"),
    ("07", "矛盾纠纷"),
    ("08", "安全隐患"),
    ("09", "人口与特殊人群"),
    ("10", "社情民意"),
]

# (code, name, filing condition, closing condition, default unit, limits, flags)
# flags: a = 必到 (must attend), r = 必报 (must report), v = 必访 (must visit)
MINORS = [
    ("0101", "暴露垃圾", "公共区域可见垃圾堆放", "垃圾清理完毕", "环卫部门", QUICK, ""),
    ("0102", "积存垃圾渣土", "垃圾渣土积存超过 1 立方米", "清运完毕", "环卫部门", ROUTINE, ""),
    ("0103", "道路不洁", "路面明显污染", "路面清洁", "环卫部门", QUICK, ""),
    ("0104", "环境污染", "可见排污、异味或噪声扰民", "污染源消除", "生态环境部门", ROUTINE, "r"),
    ("0201", "违规户外广告", "未经批准设置户外广告", "广告拆除或补办手续", "城管部门", ROUTINE, ""),
    ("0202", "非法小广告", "张贴、涂写、刻画小广告", "小广告清除", "城管部门", QUICK, ""),
    ("0301", "施工扰民", "夜间施工或噪声扬尘扰民", "停止扰民行为", "住建部门", ROUTINE, ""),
    ("0302", "违法建设", "正在建设或新建成的违法建筑", "拆除或依法处理", "自然资源部门", LONG, "r"),
    ("0401", "占道经营", "占用道路摆摊经营", "摊点撤离", "城管部门", QUICK, ""),
    ("0402", "乱停乱放", "车辆占用消防通道或人行道", "车辆移走", "公安交警", QUICK, ""),
    (
        "0403",
        "公共设施损坏",
        "井盖、护栏、路灯等公共设施损坏",
        "设施修复",
        "市政部门",
        ROUTINE,
        "r",
    ),
    (
        "0501",
        "突发事故",
        "发生火灾、交通、坍塌等事故",
        "险情消除、现场恢复",
        "应急管理部门",
        URGENT,
        "a",
    ),
    ("0502", "自然灾害险情", "暴雨、山洪、地质灾害险情", "险情解除", "应急管理部门", URGENT, "a"),
    ("0601", "其他城市管理事件", "不属于以上类别的城市管理问题", "问题解决", "", ROUTINE, ""),
    (
        "0701",
        "邻里纠纷",
        "邻里之间发生矛盾纠纷",
        "调解达成一致或引导依法解决",
        "司法所",
        ROUTINE,
        "a",
    ),
    (
        "0702",
        "婚姻家庭纠纷",
        "家庭成员之间发生矛盾",
        "调解达成一致或引导依法解决",
        "司法所",
        ROUTINE,
        "a",
    ),
    ("0703", "劳资纠纷", "拖欠工资等劳动争议", "达成协议或转入仲裁", "人社部门", LONG, "r"),
    (
        "0801",
        "安全生产隐患",
        "单位或场所存在安全生产隐患",
        "隐患整改完毕",
        "应急管理部门",
        ROUTINE,
        "r",
    ),
    (
        "0802",
        "消防隐患",
        "堵塞通道、私拉电线、违规用火",
        "隐患整改完毕",
        "消防救援机构",
        QUICK,
        "r",
    ),
    (
        "0803",
        "单位拒不整改安全问题",
        "经督促仍未整改的安全问题",
        "整改完毕或依法处理",
        "应急管理部门",
        LONG,
        "r",
    ),
    ("0804", "国家安全隐患", "危害国家安全的可疑情况", "核查处置完毕", "公安部门", URGENT, "r"),
    ("0901", "外来人口流入", "新流入人员未登记", "完成登记", "派出所", ROUTINE, "r"),
    (
        "0902",
        "特殊人群动态",
        "重点关注人员动态异常",
        "落实帮扶或管控措施",
        "综治中心",
        ROUTINE,
        "v",
    ),
    (
        "0903",
        "困难群众帮扶",
        "低保、特困、独居老人、留守儿童等需帮扶",
        "落实帮扶措施",
        "民政部门",
        ROUTINE,
        "v",
    ),
    ("1001", "社情民意", "群众反映的意见建议", "答复反映人", "", LONG, ""),
    ("1002", "不稳定因素", "可能引发群体性事件的苗头", "化解稳控", "综治中心", URGENT, "r"),
]
