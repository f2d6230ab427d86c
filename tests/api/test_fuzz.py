"""Bad input never breaks the API (no 500): random query strings on every list, random JSON
bodies to every write, random ids in paths, as staff and as an admin (hypothesis). The test
client raises a view's exception rather than answering 500, so a failure shows its traceback."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperatives.importing import FIGURE_FIELDS
from cooperatives.models import Organisation, Rating, YearlyFigures
from plans.models import EnteredValue
from tests.api.conftest import token_client
from tests.test_fuzz import values

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# What JSON can carry, beyond text: numbers of any size, booleans, null, lists and objects.
json_values = st.recursive(
    st.one_of(
        values,
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(Decimal),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)

LISTS = {
    "/api/v1/provinces/": ["structure", "code", "page", "page_size"],
    "/api/v1/plans/": ["area", "year", "page"],
    "/api/v1/targets/": ["plan", "area", "indicator", "status", "page", "page_size"],
    "/api/v1/organisations/": [
        "q", "kind", "sector", "status", "rating", "rating_year", "province", "commune", "cursor", "page_size",
    ],
    "/api/v1/figures/": ["organisation", "registration_code", "province", "year", "cursor"],
    "/api/v1/ratings/": ["organisation", "year", "scheme", "cursor"],
    "/api/v1/entered-values/": ["area", "indicator", "as_of", "page"],
    "/api/v1/counts/": ["year", "structure"],
}  # fmt: skip

ORGANISATION = ["kind", "registration_code", "name", "sector", "commune", "founded_on", "status", "dissolved_on"]
WRITES = {
    "/api/v1/organisations/": ORGANISATION,
    "/api/v1/figures/": ["organisation", "year", *FIGURE_FIELDS],
    "/api/v1/ratings/": ["organisation", "year", "scheme", "self_score", "verified_score", "level"],
    "/api/v1/entered-values/": ["indicator", "area", "as_of", "value", "source"],
}


@pytest.fixture(params=["canbo.bacninh", "admin"])
def person(request):
    return token_client(request.param)


@pytest.mark.parametrize("url", LISTS)
def test_random_query_strings_on_every_list(person, url):
    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(LISTS[url]), values, max_size=4))
    def check(query):
        assert person.get(url, query).status_code in (200, 400, 404)

    check()


def test_random_bodies_to_every_write(person):
    @FUZZ
    @given(url=st.sampled_from(sorted(WRITES)), data=st.data())
    def check(url, data):
        body = data.draw(st.dictionaries(st.sampled_from(WRITES[url]), json_values, max_size=len(WRITES[url])))
        assert person.post(url, body, format="json").status_code in (201, 400)

    check()


def test_random_corrections_of_every_kind_of_record(person):
    own = Organisation.objects.filter(province__code="24")
    records = {
        "organisations": own.first(),
        "figures": YearlyFigures.objects.filter(organisation__in=own).first(),
        "ratings": Rating.objects.filter(organisation__in=own).first(),
        "entered-values": EnteredValue.objects.filter(area__code="24").first(),
    }
    fields = dict(zip(records, WRITES.values(), strict=True))

    @FUZZ
    @given(kind=st.sampled_from(sorted(records)), data=st.data())
    def check(kind, data):
        body = data.draw(st.dictionaries(st.sampled_from(fields[kind]), json_values, max_size=4))
        assert person.patch(f"/api/v1/{kind}/{records[kind].pk}/", body, format="json").status_code in (200, 400)

    check()


def test_random_bulk_rows(person):
    fields = ["registration_code", "year", *FIGURE_FIELDS, "other"]
    codes = list(Organisation.objects.filter(province__code="24").values_list("registration_code", flat=True)[:3])
    row = st.dictionaries(st.sampled_from(fields), json_values | st.sampled_from(codes), max_size=5)

    @FUZZ
    @given(
        body=st.one_of(json_values, st.fixed_dictionaries({"province": json_values, "rows": st.lists(row, max_size=4)}))
    )
    def check(body):
        assert person.post("/api/v1/figures/bulk/", body, format="json").status_code in (200, 400, 404)

    check()


def test_random_ids_in_paths(person):
    @FUZZ
    @given(kind=st.sampled_from(["provinces", "plans", "targets", "organisations", "figures", "ratings"]), pk=values)
    def check(kind, pk):
        assert person.get(f"/api/v1/{kind}/{pk}/").status_code in (200, 301, 404)

    check()
