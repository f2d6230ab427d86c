"""The registry list at national scale (issue 15): a capped count, pages read by their ids first
(coop_tracker.lib.tables.LargeTablePaginator), total and stable orders, the rating sort by level,
cached rows that never go stale; the target and province pages' aggregates cached under the
registry's stamp."""

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from coop_tracker.lib.tables import LargeTablePaginator
from cooperatives.models import RATING_ORDER, AdminUnit, Organisation, Rating
from plans.models import Target

pytestmark = pytest.mark.django_db
URL = reverse("registry_list")
SORTS = {
    "name": ("name",),
    "registration_code": ("registration_code",),
    "kind": ("kind",),
    "sector": ("sector",),
    "status": ("status",),
    "founded_on": ("founded_on",),
    "commune": ("commune__name",),
    "province": ("province__code",),
}


@pytest.fixture
def national(client):
    client.force_login(User.objects.get(username="lanhdao"))
    return client


def every_page(client, **params) -> list[int]:
    """The ids of every row, walking the pages as a user does, by the "next" of each."""
    ids, number = [], 1
    while True:
        table = client.get(URL, {**params, "page": number}).context["table"]
        assert table.page.number == number
        ids += [row.record.pk for row in table.page.object_list]
        if not table.page.has_next():
            return ids
        number += 1


def test_the_count_stops_at_the_cap_and_the_page_says_more_than_it(national, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "COUNT_CAP", 40)
    assert Organisation.objects.count() > 41
    response = national.get(URL)
    assert response.context["table"].paginator.capped
    assert "Hơn 40 tổ chức" in response.content.decode()
    english = national.get(URL, headers={"accept-language": "en"}).content.decode()
    assert "More than 40 organisations" in english
    exact = national.get(URL, {"kind": "lhhtx"})
    unions = Organisation.objects.filter(kind="lhhtx").count()
    assert unions <= 40 and not exact.context["table"].paginator.capped
    assert exact.context["table"].paginator.count == unions


def test_past_the_cap_every_page_can_be_reached_and_together_they_hold_every_row_once(national, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "COUNT_CAP", 30)
    ids = every_page(national, per_page=7)
    assert ids == list(Organisation.objects.order_by("name", "pk").values_list("pk", flat=True))
    # A deep page asked for directly (as a link to page N) holds the same rows as when walked to.
    deep = len(ids) // 7
    table = national.get(URL, {"per_page": 7, "page": deep}).context["table"]
    assert [row.record.pk for row in table.page.object_list] == ids[(deep - 1) * 7 : deep * 7]


@pytest.mark.parametrize("column", sorted(SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_each_sort_is_total_and_stable_across_pages(national, column, descending, monkeypatch):
    """Rows with the same kind, sector or commune name come by id, so no row is shown twice nor
    skipped between pages (the order the index on (column, id) serves)."""
    monkeypatch.setattr(LargeTablePaginator, "COUNT_CAP", 20)
    ids = every_page(national, sort=f"{'-' * descending}{column}", per_page=50)
    fields = [F(name).desc() if descending else F(name).asc() for name in (*SORTS[column], "pk")]
    assert ids == list(Organisation.objects.order_by(*fields).values_list("pk", flat=True))


def test_the_rating_sort_goes_from_the_best_level_to_none_and_reads_the_rating_that_counts(national):
    commune = AdminUnit.objects.communes()[0]
    htx = Organisation.objects.create(
        kind="htx", name="HTX Hai Văn Bản", sector="agriculture", commune=commune, founded_on="2019-01-01"
    )
    # TT 01/2020 over TT 09/2017: good, not weak.
    Rating.objects.create(organisation=htx, year=2024, scheme="tt09_2017", verified_score=40)
    Rating.objects.create(organisation=htx, year=2024, scheme="tt01_2020", verified_score=85)
    counted = dict(Rating.objects.counted().filter(year=2024).values_list("organisation_id", "level"))
    assert counted[htx.pk] == "good"

    def rank(pk):
        return RATING_ORDER.index(counted[pk]) if pk in counted else len(RATING_ORDER)

    everyone = list(Organisation.objects.values_list("pk", flat=True))
    ascending = every_page(national, sort="rating_level", rating_year=2024, per_page=100)
    assert ascending == sorted(everyone, key=lambda pk: (rank(pk), pk))
    descending = every_page(national, sort="-rating_level", rating_year=2024, per_page=100)
    assert descending == sorted(everyone, key=lambda pk: (rank(pk), pk), reverse=True)
    assert ascending.index(htx.pk) < len([pk for pk in everyone if rank(pk) == 0])


def test_a_changed_row_is_shown_changed_though_its_page_was_cached(national):
    organisation = Organisation.objects.order_by("name", "pk").first()
    assert organisation.name in national.get(URL).content.decode()
    organisation.name = "A Hợp tác xã vừa đổi tên"
    organisation.save()
    page = national.get(URL).content.decode()
    assert "A Hợp tác xã vừa đổi tên" in page
    # The same rows in another language are rendered in it, not served from the Vietnamese cache.
    with translation.override("en"):
        kind = str(Organisation.Kind(organisation.kind).label)
    assert kind != Organisation.Kind(organisation.kind).label  # an English word, not the Vietnamese
    assert kind in national.get(URL, headers={"accept-language": "en"}).content.decode()


def test_the_province_page_counts_a_new_organisation_at_once(client):
    client.force_login(User.objects.get(username="lanhdao"))
    province = AdminUnit.objects.current_provinces().get(code="24")
    url = reverse("province_detail", args=[province.code])

    before = client.get(url).context["numbers"]["total"]
    commune = AdminUnit.objects.communes().filter(parent=province).first()
    Organisation.objects.create(
        kind="htx", name="HTX Mới", sector="agriculture", commune=commune, founded_on="2024-03-01"
    )
    assert client.get(url).context["numbers"]["total"] == before + 1


def test_the_target_pages_rating_chart_follows_a_new_rating(client):
    client.force_login(User.objects.get(username="lanhdao"))
    target = Target.objects.filter(area__level="province").order_by("pk").first()
    url = reverse("target_detail", args=[target.pk])
    before = client.get(url).context["rating_chart"]
    htx = Organisation.objects.cooperatives().in_place(target.area).exclude(ratings__year=2025).first()
    Rating.objects.create(organisation=htx, year=2025, scheme="tt01_2020", verified_score=90)
    assert client.get(url).context["rating_chart"] != before


def test_a_page_past_the_end_shows_the_last_and_a_huge_one_is_no_error(national, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "COUNT_CAP", 40)
    unions = list(Organisation.objects.filter(kind="lhhtx").order_by("name", "pk").values_list("pk", flat=True))
    last = national.get(URL, {"kind": "lhhtx", "per_page": 2, "page": 999}).context["table"]
    assert last.page.number == -(-len(unions) // 2)
    assert [row.record.pk for row in last.page.object_list] == unions[(last.page.number - 1) * 2 :]
    for page in ("99999999999999999999", str(2**63)):
        assert national.get(URL, {"page": page}).status_code == 200
