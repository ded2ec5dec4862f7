"""偏差原因分析及改进措施: the typical reasons a preparer can start from, per kind of indicator.

Owns the prompts shown for a row that missed its target (or beat it by far, or finished late) and
for a 预算执行率 below 100%. They are starting points the preparer edits, never text we file for
them: 财预〔2020〕10号 asks the unit to analyse its own deviation. The reasons are the ones that recur
in published 自评报告 of housing provident fund centres and other units (see corpus/guide/selfeval.md).
"""
from __future__ import annotations

from assistant.schema import Indicator, Level1, Level2

_SHORTFALL: dict[Level2 | Level1, list[str]] = {
    Level2.QUANTITY: ["实际需求（业务量、服务对象人数）少于年初预计", "政策或工作安排调整，部分任务取消或顺延",
                      "政府采购、招标或合同签订延迟，实施时间不足"],
    Level2.QUALITY: ["设备或系统老化、故障，影响运行质量", "服务供应商履约不到位", "验收或考核标准提高"],
    Level2.TIMELINESS: ["采购、招标流程耗时超出预期", "资金下达或拨付滞后", "受不可抗力或上级统一部署影响延期"],
    Level2.COST: ["物价、人工或服务单价上涨", "实际工作量超出年初测算", "年初成本测算不够精确"],
    Level2.ECONOMIC_COST: ["物价、人工或服务单价上涨", "实际工作量超出年初测算", "年初成本测算不够精确"],
    Level2.ECONOMIC: ["市场利率、贷款规模等外部因素变化", "业务量低于预期", "效益显现存在滞后"],
    Level2.SOCIAL: ["宣传覆盖不足，群众知晓度不高", "服务对象范围或政策发生变化", "效益显现存在滞后"],
    Level2.ECOLOGICAL: ["本项目不直接产生生态效益：应在设定目标时不设此指标", "节能、无纸化措施落实不到位"],
    Level2.SUSTAINABLE: ["长效机制尚未建立", "后续资金或人员保障不足"],
    Level2.SATISFACTION: ["办理流程、等待时间等体验问题", "调查样本不足或调查方式不完善", "沟通解释不到位"],
}
_DEFAULT = ["年初目标测算依据不足", "实施过程中情况发生变化", "组织实施或监督不到位"]
_MEASURES = "改进措施：下年度据实测算指标值，加强实施过程跟踪（绩效运行监控），发现偏差及时纠偏。"

OVERSHOOT_REASONS = ["年初指标值设定偏低（应按偏离度适度调减得分，并在下年度调高指标值）",
                     "实际需求或业务量大于预计", "追加预算或任务调整"]
LATE_REASONS = _SHORTFALL[Level2.TIMELINESS]
EXECUTION_REASONS = ["政府采购节约资金形成结余", "项目实施进度滞后，资金未能按计划支付",
                     "资金下达较晚或合同按进度分期支付", "年中预算调整"]


def typical_reasons(row: Indicator) -> list[str]:
    """Reasons a target of this kind is typically missed."""
    for key in (row.level2, row.level1):
        if key is not None and key in _SHORTFALL:
            return list(_SHORTFALL[key])
    if row.level1 is Level1.SATISFACTION:
        return list(_SHORTFALL[Level2.SATISFACTION])
    return list(_DEFAULT)


def prompt(reasons: list[str]) -> str:
    """One line for the 偏差原因 cell's placeholder: the typical reasons, then the usual measure."""
    return "可能原因：" + "；".join(reasons) + "。" + _MEASURES
