"""A target's page and the entered-value form show who changed what, when, before → after."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from plans.models import EnteredValue, Target
from tests.factories import logged_in, province

pytestmark = pytest.mark.django_db

BEFORE_AFTER = '{label}: <del class="text-body-secondary">{before}</del> → <ins>{after}</ins>'


def demo_target() -> Target:
    """A target of the demo with its stored progress: Bắc Giang's new HTX every year."""
    return Target.objects.get(area__code="24", area__structure="63", indicator__code="htx_founded")


def test_a_targets_page_shows_its_corrections(client):
    target = demo_target()
    wording = target.wording
    target.value, target.wording = Decimal("52.5"), "Mỗi năm thành lập mới 52,5 HTX"
    target._history_user = User.objects.get(username="admin")
    target.save()
    page = logged_in(client, "lanhdao").get(target.get_absolute_url()).content.decode()
    assert BEFORE_AFTER.format(label="Giá trị (hoặc cận dưới)", before="50", after="52,5") in page
    assert BEFORE_AFTER.format(label="Nguyên văn", before=wording, after="Mỗi năm thành lập mới 52,5 HTX") in page
    assert "Sửa</span> · Quản trị hệ thống" in page and "Tạo mới</span> · hệ thống" in page


def test_a_targets_page_with_a_long_history_reads_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    target = demo_target()
    for value in range(11, 40):
        target.value = Decimal(value)
        target.save()
    leader = logged_in(client, "lanhdao")
    # 13: the target page's own (tests/plans/test_target_detail.py says which), whatever the history's length.
    with django_assert_max_num_queries(13):
        response = leader.get(target.get_absolute_url())
    assert len(response.context["history"].entries) == 20


def test_the_entered_value_form_shows_the_values_history(client):
    value = EnteredValue.objects.filter(area=province("24", "63")).order_by("pk").first()
    staff = logged_in(client, "admin")
    data = {"indicator": value.indicator_id, "area": value.area_id, "as_of": value.as_of.isoformat()}
    response = staff.post(reverse("entered_value_update", args=[value.pk]), {**data, "value": "1234,5", "source": "BC"})
    assert response.status_code == 302
    page = staff.get(reverse("entered_value_update", args=[value.pk])).content.decode()
    assert "<ins>1.234,5</ins>" in page and "<ins>BC</ins>" in page
    assert BEFORE_AFTER.format(label="Người nhập", before="Nguyễn Văn An", after="Quản trị hệ thống") in page
    assert "Sửa</span> · Quản trị hệ thống" in page
