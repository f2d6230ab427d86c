"""Bad input never breaks a page (no 500): random query strings on the lists, random posts to
every form, random path segments, as staff and as an admin (hypothesis).

The test client raises a view's exception instead of answering 500, so a failure shows its
traceback and the smallest input that causes it.
"""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from cooperatives.models import Organisation
from plans.models import Task

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Values a person, a script or an attacker might type: text of any script (NUL included),
# numbers far beyond any column's range, and a few classics.
values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        ["", "0", "-1", "1e309", "NaN", "²", "٣", "9" * 40, "\x00", "' OR 1=1 --", "../../etc", "31/02/2025"]
    ),
)

LISTS = {
    "overview": ["year", "province", "plan", "indicator", "page"],
    "registry_list": ["q", "kind", "sector", "status", "rating", "rating_year", "province", "commune", "page", "sort"],
    "support_action_list": ["page", "sort"],
    "entered_value_list": ["page", "sort"],
    "account_list": ["q", "role", "province", "active", "page", "sort"],
    "reporting_list": ["year", "sort", "page"],
}


def as_user(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture(params=["canbo.bacninh", "admin"])
def person(request):
    return as_user(request.param)


@pytest.mark.parametrize("name", LISTS)
def test_random_query_strings_on_the_lists(person, name):
    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(LISTS[name]), values, max_size=4))
    def check(query):
        assert person.get(reverse(name), query).status_code in (200, 403, 404)  # 404: a page beyond the last

    check()


def form_urls():
    organisation = Organisation.objects.filter(province__code="24").first()
    task = Task.objects.filter(plan__area__code="24").first()
    account = User.objects.get(username="canbo.phutho")
    return {
        reverse("organisation_create"): ["kind", "registration_code", "name", "sector", "commune", "founded_on",
                                          "status", "status_since", "dissolved_on", "alliance_joined_on"],
        reverse("organisation_update", args=[organisation.pk]): ["name", "commune", "founded_on", "dissolved_on",
                                                                 "status"],
        reverse("organisation_part_create", args=[organisation.pk, "figures"]): ["year", "members", "revenue",
                                                                                "average_income", "ocop_max_stars"],
        reverse("organisation_part_create", args=[organisation.pk, "ratings"]): ["year", "scheme", "self_score",
                                                                                "verified_score", "level"],
        reverse("support_action_create"): ["kind", "occurred_on", "organisation", "area", "count", "amount"],
        reverse("entered_value_create"): ["indicator", "area", "as_of", "value", "source"],
        reverse("task_status", args=[task.pk]): ["status", "status_note"],
        reverse("account_create"): ["username", "last_name", "first_name", "email", "role", "province"],
        reverse("account_update", args=[account.pk]): ["username", "email", "role", "province"],
        reverse("password_change"): ["old_password", "new_password1", "new_password2"],
        reverse("reporting_round_transition", args=["24", 2026]): ["action", "note"],
    }  # fmt: skip


def test_random_posts_to_every_form(person):
    urls = form_urls()

    @FUZZ
    @given(url=st.sampled_from(sorted(urls)), data=st.data())
    def check(url, data):
        form = data.draw(st.dictionaries(st.sampled_from(urls[url]), values, max_size=len(urls[url])))
        assert person.post(url, form).status_code in (200, 302, 403, 429)  # 429: the upload limit per hour

    check()


ROUTES = ["/registry/{}/", "/registry/{}/edit/", "/provinces/{}/", "/plans/{}/", "/targets/{}/", "/tasks/{}/",
          "/entries/{}/", "/actions/{}/", "/accounts/{}/", "/accounts/{}/reset-password/", "/{}",
          "/{}/{}/", "/indicators/{}/map/", "/indicators/{}/map.json", "/maps/{}.geojson", "/targets/{}/moved/",
          "/plans/{}/report.docx", "/reporting/{}/2026/", "/reporting/24/{}/",
          "/reporting/{}/{}/not-reported/"]  # fmt: skip


MAP_PAGES = {
    "/indicators/htx_effective_share/map/": ["year", "mode"],
    "/indicators/htx_weak_share/map.json": ["year", "mode"],
    "/targets/{target}/moved/": ["year", "group", "page", "sort"],
}


@pytest.mark.parametrize("path", MAP_PAGES)
def test_random_query_strings_on_the_maps_and_moves(person, path):
    from plans.models import Target

    share = Target.objects.filter(indicator__rule="rating_share", area__code="24").order_by("pk").first()
    url = path.format(target=share.pk)

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(MAP_PAGES[path]), values, max_size=3))
    def check(query):
        assert person.get(url, query).status_code in (200, 404)

    check()


def test_random_path_segments(person):
    @FUZZ
    @given(route=st.sampled_from(ROUTES), segment=values, query=values)
    def check(route, segment, query):
        path = route.format(quote(segment, safe=""), quote(segment, safe="")) + "?structure=" + quote(query, safe="")
        assert person.get(path).status_code in (200, 301, 302, 403, 404)

    check()


def test_a_locked_out_or_anonymous_visitor_with_random_input_gets_no_500(client):
    @FUZZ
    @given(username=values, password=values, next_url=values)
    def check(username, password, next_url):
        response = client.post(
            reverse("login") + "?next=" + quote(next_url, safe=""), {"username": username, "password": password}
        )
        assert response.status_code in (200, 302, 429)

    check()


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_random_query_strings_on_the_registry_exports(person, export_format):
    """The export reads the page's filters itself (cooperatives.exports): bad input is no error
    there either, streamed (200) or queued for a worker (302)."""

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(LISTS["registry_list"]), values, max_size=4))
    def check(query):
        response = person.get(reverse("registry_list"), {**query, "_export": export_format})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert b"".join(response.streaming_content)

    check()


@pytest.mark.parametrize(
    "path", ["/reporting/%00/2026/", "/reporting/%00/2026/not-reported/", "/provinces/%00/", "/provinces/24%00/"]
)
def test_a_unit_code_with_a_nul_character_is_no_page(person, path):
    """Found by the fuzzing above: such a code reached the database, which refuses it (a 500)."""
    assert person.get(path).status_code == 404
