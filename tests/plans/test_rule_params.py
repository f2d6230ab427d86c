"""Each rule declares its parameters once and judges them with `check`: the indicator form,
`Indicator.clean` and the recompute all read that one declaration, and refuse in Vietnamese."""

import pytest
from django.core.exceptions import ValidationError

from plans.models import Indicator, Target
from plans.rules import KINDS, RULES

pytestmark = pytest.mark.django_db
DEN = Target.Denominator


def refusal(rule, params, denominator=None) -> dict:
    with pytest.raises(ValidationError) as caught:
        RULES[rule].check(params, denominator)
    return {name: " ".join(messages) for name, messages in caught.value.message_dict.items()}


def test_every_indicator_of_the_catalogue_passes_its_rule_s_check():
    for indicator in Indicator.objects.filter(method=Indicator.Method.DERIVED):
        RULES[indicator.rule].check(indicator.rule_params)
        indicator.full_clean()


def test_a_rating_share_without_levels_is_refused_on_the_levels():
    assert refusal("rating_share", {}) == {"levels": "Cần chọn: Mức xếp loại."}


@pytest.mark.parametrize(
    ("rule", "params", "field", "words"),
    [
        ("founded", {"colour": "red"}, "colour", "không dùng tham số “colour”"),
        ("founded", {"kind": "hợp tác xã"}, "kinds", "không phải giá trị được chọn"),
        ("founded", {"kind": "htx", "kinds": ["tht"]}, "kinds", "Chỉ ghi một trong hai"),
        ("members", {"kinds": "htx"}, "kinds", "Cần một danh sách"),
        ("rated_count", {"levels": ["good"], "kinds": ["htx"]}, "kinds", "không dùng tham số"),
        ("support_actions", {"kind": "htx"}, "action", "Cần chọn: Loại hoạt động hỗ trợ."),
        ("support_actions", {"action": "trade_fair", "communes_only": "yes"}, "communes_only", "có hoặc không"),
        (
            "support_actions",
            {"action": "trade_fair", "distinct_organisations": True, "distinct_communes": True},
            "distinct_communes",
            "Chọn một cách đếm",
        ),
        ("rating_share", {"levels": ["unrated"]}, "levels", "HTX chưa xếp loại không nằm trong mẫu số"),
        ("size_share", {}, "min_band", "Chọn quy mô từ"),
        ("size_count", {"min_band": "large", "max_band": "small"}, "max_band", "không thể nhỏ hơn"),
        ("average_figure", {"field": "name"}, "field", "không phải giá trị được chọn"),
        ("linked_share", {"denominators": ["rated_htx"]}, "denominators", "không phải giá trị được chọn"),
    ],
)
def test_a_bad_combination_is_refused_with_a_message_in_vietnamese(rule, params, field, words):
    found = refusal(rule, params)
    assert field in found and words in found[field], found


def test_unrated_htx_may_be_a_share_over_active_htx():
    RULES["rating_share"].check({"levels": ["unrated"], "denominators": [DEN.ACTIVE_HTX]}, DEN.ACTIVE_HTX)


def test_a_target_may_use_only_the_denominators_its_indicator_allows():
    params = {"levels": ["good", "fair"], "denominators": [DEN.ACTIVE_HTX]}
    RULES["rating_share"].check(params, DEN.ACTIVE_HTX)
    RULES["rating_share"].check(params, "")  # the indicator's default: its first
    assert "mẫu số được dùng: HTX đang hoạt động" in refusal("rating_share", params, DEN.RATED_HTX)["denominator"]
    assert "denominator" in refusal("founded", {}, DEN.COMMUNES)
    assert RULES["rating_share"].allowed_denominators(params) == (DEN.ACTIVE_HTX,)
    numerator, denominator = RULES["rating_share"].parts(params, "")
    assert "đang hoạt động" in str(denominator.label)


def test_a_single_kind_is_stored_the_way_the_catalogue_spells_it_and_read_back_alike():
    assert KINDS.stored(["htx"]) == {"kind": "htx"}
    assert KINDS.stored(["htx", "tht"]) == {"kinds": ["htx", "tht"]}
    assert KINDS.stored([]) == {}
    assert KINDS.value({"kind": "htx"}) == KINDS.value({"kinds": ["htx"]}) == ["htx"]


def test_the_model_refuses_a_bad_indicator_and_a_shape_its_rule_does_not_give():
    indicator = Indicator(
        code="x", name_vi="x", name_en="x", unit="percent", shape="share", method="derived", rule="rating_share"
    )
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert "Mức xếp loại" in str(caught.value.message_dict["rule_params"])
    indicator.rule, indicator.rule_params, indicator.shape, indicator.unit = "founded", {}, "share", "percent"
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert caught.value.message_dict["shape"] == ["Quy tắc này cho số phát sinh trong kỳ."]
    manual = Indicator(code="y", name_vi="y", name_en="y", unit="km", shape="flow", method="manual", rule="founded")
    with pytest.raises(ValidationError):
        manual.full_clean()
