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


def rating_cases():
    """An HTX rated under both schemes (TT 01/2020 counts), one under TT 09/2017 alone, one whose
    TT 01/2020 rating is "unrated" over a good TT 09/2017 one, and a THT with a rating (counted
    nowhere: it sorts with those that have none)."""
    commune = AdminUnit.objects.communes()[0]

    def new(kind, name):
        return Organisation.objects.create(
            kind=kind, name=name, sector="agriculture", commune=commune, founded_on="2019-01-01"
        )

    both, agri, unrated, group = new("htx", "HTX A"), new("htx", "HTX B"), new("htx", "HTX C"), new("tht", "THT D")
    Rating.objects.create(organisation=both, year=2024, scheme="tt09_2017", verified_score=40)
    Rating.objects.create(organisation=both, year=2024, scheme="tt01_2020", verified_score=85)
    Rating.objects.create(organisation=agri, year=2024, scheme="tt09_2017", verified_score=70)
    Rating.objects.create(organisation=unrated, year=2024, scheme="tt09_2017", verified_score=90)
    Rating.objects.create(organisation=unrated, year=2024, scheme="tt01_2020", level="unrated", unrated_reason="new")
    Rating.objects.create(organisation=group, year=2024, scheme="tt01_2020", verified_score=90)


@pytest.mark.parametrize("sort", ["rating_level", "-rating_level", "province", "-province"])
def test_a_sort_read_part_by_part_gives_the_orms_order_on_every_page(national, sort, monkeypatch):
    """Past the cap the sorts by rating and province read each page level by level or province by
    province (Table.order_in_parts): the pages, walked or asked for directly, hold the rows of the
    straightforward ORM order, page boundaries falling inside parts and across them."""
    rating_cases()
    monkeypatch.setattr(LargeTablePaginator, "COUNT_CAP", 10)
    descending = sort.startswith("-")
    everyone = Organisation.objects.all()
    if "rating" in sort:
        expected = everyone.ordered_by_rating(2024, descending=descending)
    else:
        expected = everyone.order_by(F("province__code").desc() if descending else F("province__code").asc())
    expected = list(LargeTablePaginator.ordered(expected).values_list("pk", flat=True))
    table = national.get(URL, {"sort": sort, "rating_year": 2024}).context["table"]
    assert table.paginator.capped and table.ordered_in_parts[0] is table.data.data  # the parts were read
    assert every_page(national, sort=sort, rating_year=2024, per_page=13) == expected
    for page in (2, len(expected) // 13 // 2, -(-len(expected) // 13)):  # the last page too
        table = national.get(URL, {"sort": sort, "rating_year": 2024, "per_page": 13, "page": page}).context["table"]
        assert [row.record.pk for row in table.page.object_list] == expected[(page - 1) * 13 : page * 13]


def test_a_provinces_list_sorted_by_rating_in_parts_stays_in_its_scope(client, monkeypatch):
    rating_cases()
    monkeypatch.setattr(LargeTablePaginator, "COUNT_CAP", 5)
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    bac_ninh = AdminUnit.objects.get(level="province", structure="34", code="24")
    mine = Organisation.objects.filter(province=bac_ninh)
    for sort in ("rating_level", "-rating_level", "province"):
        ids = every_page(client, sort=sort, rating_year=2024, per_page=11)
        if "rating" in sort:
            ordered = mine.ordered_by_rating(2024, descending=sort.startswith("-"))
        else:
            ordered = mine.order_by("province__code")
        assert ids == list(LargeTablePaginator.ordered(ordered).values_list("pk", flat=True))


def test_an_export_sorted_by_province_then_name_keeps_both_columns():
    """Several columns (an export's ?sort=province,name; the page takes one): django-tables2's own
    order, province code then name, as before the sort by province was read in parts."""
    from cooperatives.exports import registry_queryset

    rows = registry_queryset({"sort": ["province,name"]}, User.objects.get(username="lanhdao"))
    expected = Organisation.objects.order_by("province__code", "name", "pk").values_list("pk", flat=True)
    assert list(rows.values_list("pk", flat=True)) == list(expected)
