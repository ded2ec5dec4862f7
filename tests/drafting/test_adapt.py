"""Fitting the precedents' values to a draft: rates get the operator the target needs."""
from __future__ import annotations

import pytest

from assistant.drafting.adapt import fit_rate


@pytest.mark.parametrize("values,name,expected", [
    (["80%"], "员工对业务用房满意度", "≥80%"),  # a bare rate in a target is a floor …
    (["95%"], "办公设备维护维修工作完成率", "≥95%"),
    (["1.5‰"], "个贷逾期率", "≤1.5‰"),  # … or a ceiling where less is better
    (["5%"], "系统故障率", "≤5%"),
    (["2%"], "业务大厅规范服务投诉下降率", "≥2%"),  # a fall in complaints is a rise
    (["<2%"], "投诉率", "<2%"),  # written operators stay
    (["≥100%"], "完成及时性", "100%"),  # 100% cannot be exceeded
    (["0%"], "事故率", "0%"),
    (["12次"], "培训次数", None),  # not a rate
])
def test_rates_get_their_operator(values, name, expected):
    assert fit_rate(values, name) == expected


def test_without_a_name_the_rate_is_left_as_written():
    assert fit_rate(["80%"]) == "80%"


def test_a_number_of_a_longer_unit_is_not_the_users_number_of_the_shorter_one():
    from assistant.drafting.adapt import user_number

    assert user_number("培训缴存单位经办人员约600人次", "人", "培训人数") is None  # 人次 are not 人
    assert user_number("分3批次组织", "批", "培训批数") is None
    assert user_number("培训600人，共3期", "人", "培训人数") == "600人"
