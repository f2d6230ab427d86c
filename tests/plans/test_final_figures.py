"""Targets say whether their figure is final (the provinces' yearly reports accepted) or
provisional; the overview can show the final ones only."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from cooperatives.reporting import final_figures
from cooperatives.services import round_transition
from plans.models import Target
from plans.services import progress_recompute
from tests.factories import PlanFactory, TargetFactory, logged_in, province

pytestmark = pytest.mark.django_db
YEAR = 2026


def accept(code, year=YEAR, structure="34"):
    place = province(code, structure)
    staff = User.objects.get(username="admin")
    round_transition(province=place, year=year, action="submit", user=staff)
    round_transition(province=place, year=year, action="accept", user=staff)


@pytest.fixture
def target():
    plan = PlanFactory(area=province("24"), first_year=YEAR, last_year=YEAR, title="Kế hoạch chính thức thử")
    made = TargetFactory(plan=plan, year_from=YEAR, year_to=YEAR, wording="Thành lập mới 10 HTX (thử chính thức)")
    progress_recompute(targets=Target.objects.filter(pk=made.pk), today=datetime.date(YEAR, 12, 1))
    made.refresh_from_db()
    assert made.progress.year == YEAR
    return made


def test_a_province_figure_is_final_once_its_round_is_accepted_and_a_national_one_once_all_are():
    bac_ninh, nation = province("24").pk, province("24").parent_id
    assert final_figures({(bac_ninh, YEAR)}) == set()
    accept("24")
    assert final_figures({(bac_ninh, YEAR), (nation, YEAR), (bac_ninh, YEAR - 1)}) == {(bac_ninh, YEAR)}


def test_an_old_province_figure_of_2024_is_final_with_its_own_round_and_a_new_one_with_all_its_old_ones():
    old_bac_giang, old_bac_ninh, new = province("24", "63").pk, province("27", "63").pk, province("24").pk
    accept("24", 2024, "63")
    assert final_figures({(old_bac_giang, 2024), (new, 2024)}) == {(old_bac_giang, 2024)}
    accept("27", 2024, "63")
    assert final_figures({(old_bac_ninh, 2024), (new, 2024)}) == {(old_bac_ninh, 2024), (new, 2024)}


def test_the_plan_page_marks_the_figure_provisional_then_final(client, target):
    logged_in(client, "lanhdao")
    url = reverse("plan_detail", args=[target.plan_id])
    assert 'data-final="0"' in client.get(url).content.decode()
    accept("24")
    page = client.get(url).content.decode()
    assert 'data-final="1"' in page and 'data-final="0"' not in page


def test_the_overview_shows_only_final_figures_when_asked(client, target):
    logged_in(client, "lanhdao")
    query = {"year": YEAR, "plan": target.plan_id, "final": "on"}
    assert target.wording not in client.get(reverse("overview"), query).content.decode()
    accept("24")
    assert target.wording in client.get(reverse("overview"), query).content.decode()
    assert target.wording in client.get(reverse("overview"), {"year": YEAR, "plan": target.plan_id}).content.decode()
