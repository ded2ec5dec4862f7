"""A 10-row target table of a housing provident fund centre (12329 hotline and SMS), for the 自评 tests."""
from __future__ import annotations

from assistant.schema import Funds, Indicator, Level1, Level2, TargetTable

O, B, S = Level1.OUTPUT, Level1.BENEFIT, Level1.SATISFACTION
ROWS = [
    (O, Level2.QUANTITY, "12329热线接听量", "≥12000人次"),
    (O, Level2.QUANTITY, "短信发送条数", "≥50万条"),
    (O, Level2.QUALITY, "热线接通率", "≥95%"),
    (O, Level2.QUALITY, "系统故障率", "≤1%"),
    (O, Level2.TIMELINESS, "服务合同签订时间", "2025年3月31日前"),
    (O, Level2.COST, "热线及短信服务费", "≤48万元"),
    (B, Level2.SOCIAL, "政策知晓度", "明显提升"),
    (B, Level2.SUSTAINABLE, "服务渠道持续运行", "长期"),
    (S, Level2.SATISFACTION, "缴存职工满意度", "≥90%"),
    (S, Level2.SATISFACTION, "缴存单位满意度", "≥90%"),
]
NAMES = [r[2] for r in ROWS]


def ten_rows(**actuals: str) -> TargetTable:
    """The table, with 实际完成值 given by row name (keyword order does not matter)."""
    rows = [Indicator(level1=l1, level2=l2, name=name, value=value, actual=actuals.get(name))
            for l1, l2, name, value in ROWS]
    return TargetTable(year=2025, project_name="12329服务热线及短信平台运维费", funds_annual=Funds(total=48.0, fiscal=48.0),
                       implementing_unit="某市住房公积金管理中心", goals_annual=["保障12329热线和短信平台全年稳定运行"],
                       indicators=rows)


ALL_MET = {"12329热线接听量": "13520人次", "短信发送条数": "52万条", "热线接通率": "97.5%", "系统故障率": "0.4%",
           "服务合同签订时间": "2025年3月20日", "热线及短信服务费": "47.6万元", "政策知晓度": "已完成",
           "服务渠道持续运行": "长期", "缴存职工满意度": "96%", "缴存单位满意度": "95%"}
