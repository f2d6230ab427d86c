"""Every URL of the project × every role × a record of the account's own province and of another
→ the answer expected. A URL missing from MATRIX fails the first test, so none can escape it.

Roles: anonymous; admin; provincial staff of Bắc Ninh (24); national leader; leader of Bắc Ninh.
Records: one of each kind in Bắc Ninh ("own") and in Phú Thọ (25, "other"); for staff and the
provincial leader, Phú Thọ's records must be a 404, the answer for an id that does not exist.

Adding a URL is one line: (name, expected answers, its arguments from the records).
"""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_token_create
from cooperatives.models import AdminUnit, Export, ExportChunk, NtmRecognition, RegistryImport, SupportAction
from plans.models import EnteredValue, Indicator, Task
from tests.factories import (
    OrganisationFactory,
    PlanFactory,
    RatingFactory,
    TargetFactory,
    YearlyFiguresFactory,
    commune,
    province,
)

ROLES = {
    "anonymous": None,
    "admin": "admin",
    "staff": "canbo.bacninh",
    "leader": "lanhdao",
    "leader_province": "lanhdao.bacninh",
}
OWN, OTHER = "24", "25"
UPLOADERS = {OWN: "canbo.bacninh", OTHER: "canbo.phutho"}


@dataclass(frozen=True)
class Expect:
    """The answer for each role, the same for both records or (own, other); the methods tried."""

    anonymous: object = 302
    admin: object = 200
    staff: object = 200
    leader: object = 200
    leader_province: object = 200
    methods: tuple = ("get",)

    def code(self, role, which):
        answer = getattr(self, role)
        return answer if isinstance(answer, int) else answer[which == OTHER]


PUBLIC = Expect(anonymous=200)
LOGIN_PAGE = Expect(anonymous=200, admin=302, staff=302, leader=302, leader_province=302)
POST_ANYONE = Expect(anonymous=302, admin=302, staff=302, leader=302, leader_province=302, methods=("post",))
READ = Expect()
READ_SCOPED = Expect(staff=(200, 404), leader_province=(200, 404))
# Forms: an empty POST by someone allowed shows the form again with its errors (200).
EDIT = Expect(leader=403, leader_province=403, methods=("get", "post"))
EDIT_SCOPED = Expect(staff=(200, 404), leader=403, leader_province=403, methods=("get", "post"))
UPLOAD = Expect(admin=404, staff=(200, 404), leader=403, leader_province=403)
# An export is its owner's only, whatever the role (Bắc Ninh's staff made "own", Phú Thọ's "other").
OWNED = Expect(admin=404, staff=(200, 404), leader=404, leader_province=404)
UPLOAD_WAITING = Expect(admin=404, staff=(302, 404), leader=403, leader_province=403, methods=("get", "post"))
ADMIN_PAGE = Expect(staff=403, leader=403, leader_province=403)
ADMIN_FORM = Expect(staff=403, leader=403, leader_province=403, methods=("get", "post"))
ADMIN_ACTION = Expect(admin=302, staff=403, leader=403, leader_province=403, methods=("post",))
API_READ = Expect(anonymous=401)
API_READ_SCOPED = Expect(anonymous=401, staff=(200, 404), leader_province=(200, 404))
API_CREATE = Expect(anonymous=401, admin=400, staff=400, leader=403, leader_province=403, methods=("post",))
# PUT: an empty object is the form's 400 (a PATCH of nothing would be a valid write).
API_UPDATE = Expect(anonymous=401, admin=400, staff=(400, 404), leader=403, leader_province=403, methods=("put",))

MATRIX = [
    ("login", LOGIN_PAGE, None),
    ("logout", POST_ANYONE, None),
    ("set_language", POST_ANYONE, None),
    ("health", PUBLIC, None),
    ("password_change", Expect(methods=("get", "post")), None),
    ("password_change_done", READ, None),
    ("overview", READ, None),
    ("plan_detail", READ_SCOPED, lambda r: {"pk": r.plan.pk}),
    ("plan_report", READ_SCOPED, lambda r: {"pk": r.plan.pk}),
    ("plan_report_docx", READ_SCOPED, lambda r: {"pk": r.plan.pk}),
    ("plan_create", EDIT, None),
    ("plan_update", EDIT_SCOPED, lambda r: {"pk": r.plan.pk}),
    ("target_detail", READ_SCOPED, lambda r: {"pk": r.target.pk}),
    ("share_moves", READ_SCOPED, lambda r: {"pk": r.share_target.pk}),
    ("share_moves", READ_SCOPED, lambda r: {"pk": r.share_target.pk}, "?year=2022&group=upgraded"),
    ("task_status", EDIT_SCOPED, lambda r: {"pk": r.task.pk}),
    ("entered_value_list", READ, None),
    ("entered_value_create", EDIT, None),
    ("entered_value_update", EDIT_SCOPED, lambda r: {"pk": r.entered_value.pk}),
    ("province_detail", READ_SCOPED, lambda r: {"code": r.province.code}),
    ("indicator_map", READ, lambda r: {"code": "htx_effective_share"}),
    ("indicator_map_data", READ, lambda r: {"code": "htx_effective_share"}, "?year=2024&mode=status"),
    ("map_outlines", READ, lambda r: {"structure": "34"}),
    ("reporting_list", READ, None),
    ("reporting_list", READ, None, "?year=2024&sort=-reported_pct"),
    ("reporting_round", READ_SCOPED, lambda r: {"code": r.province.code, "year": 2026}),
    ("reporting_not_reported", READ_SCOPED, lambda r: {"code": r.province.code, "year": 2026}),
    # An empty POST by the province's staff or the verifier shows the page again with why (200).
    (
        "reporting_round_transition",
        Expect(staff=(200, 404), leader=403, leader_province=(403, 404), methods=("post",)),
        lambda r: {"code": r.province.code, "year": 2026},
    ),
    ("registry_list", READ, None),
    ("registry_list", READ, None, "?q=Thử+nghiệm&_export=csv"),
    ("registry_list", READ, None, "?q=Thử+nghiệm&_export=xlsx"),
    ("organisation_create", EDIT, None),
    ("organisation_detail", READ_SCOPED, lambda r: {"pk": r.organisation.pk}),
    ("organisation_update", EDIT_SCOPED, lambda r: {"pk": r.organisation.pk}),
    ("organisation_part_create", EDIT_SCOPED, lambda r: {"pk": r.organisation.pk, "part": "figures"}),
    ("organisation_part_create", EDIT_SCOPED, lambda r: {"pk": r.organisation.pk, "part": "ratings"}),
    (
        "organisation_part_update",
        EDIT_SCOPED,
        lambda r: {"pk": r.organisation.pk, "part": "figures", "part_pk": r.figures.pk},
    ),
    (
        "organisation_part_update",
        EDIT_SCOPED,
        lambda r: {"pk": r.organisation.pk, "part": "ratings", "part_pk": r.rating.pk},
    ),
    # GET only: the confirmation page (a POST would delete the record the other rows read).
    (
        "organisation_delete",
        Expect(staff=(200, 404), leader=403, leader_province=403),
        lambda r: {"pk": r.organisation.pk},
    ),
    ("organisation_deleted_list", Expect(leader=403, leader_province=403), None),
    # Restoring an organisation that is in the registry is refused as a conflict (409).
    (
        "organisation_restore",
        Expect(admin=409, staff=(409, 404), leader=403, leader_province=403, methods=("post",)),
        lambda r: {"pk": r.organisation.pk},
    ),
    ("registry_import", EDIT, None),
    ("registry_import_template", Expect(leader=403, leader_province=403), None),
    # An upload is its uploader's only (Bắc Ninh's staff made "own", Phú Thọ's staff "other").
    ("registry_import_detail", UPLOAD, lambda r: {"pk": r.upload.pk}),
    ("registry_import_status", UPLOAD, lambda r: {"pk": r.upload.pk}),
    # The upload is still being checked: its mapping step and error report send back to its page.
    ("registry_import_mapping", UPLOAD_WAITING, lambda r: {"pk": r.upload.pk}),
    ("registry_import_errors", UPLOAD_WAITING, lambda r: {"pk": r.upload.pk}),
    (
        "registry_import_cancel",
        Expect(admin=404, staff=(302, 404), leader=403, leader_province=403, methods=("post",)),
        lambda r: {"pk": r.upload.pk},
    ),
    (
        "registry_import_commit",
        Expect(admin=404, staff=(302, 404), leader=403, leader_province=403, methods=("post",)),
        lambda r: {"pk": r.upload.pk},
    ),
    (
        "registry_import_recheck",
        Expect(admin=404, staff=(302, 404), leader=403, leader_province=403, methods=("post",)),
        lambda r: {"pk": r.upload.pk},
    ),
    ("export_detail", OWNED, lambda r: {"pk": r.export.pk}),
    ("export_status", OWNED, lambda r: {"pk": r.export.pk}),
    ("export_download", OWNED, lambda r: {"pk": r.export.pk}),
    ("commune_list", READ, None),
    ("commune_detail", READ_SCOPED, lambda r: {"pk": r.xa.pk}),
    ("ntm_recognition_create", EDIT_SCOPED, lambda r: {"pk": r.xa.pk}),
    ("ntm_recognition_update", EDIT_SCOPED, lambda r: {"pk": r.xa.pk, "ntm_pk": r.ntm.pk}),
    ("support_action_list", READ, None),
    ("support_action_create", EDIT, None),
    ("support_action_update", EDIT_SCOPED, lambda r: {"pk": r.support_action.pk}),
    ("indicator_list", ADMIN_PAGE, None),
    ("indicator_create", ADMIN_FORM, None),
    ("indicator_update", ADMIN_FORM, lambda r: {"pk": r.target.indicator_id}),
    # An indicator that targets read cannot be deleted: refused (409), and it stays.
    (
        "indicator_delete",
        Expect(admin=409, staff=403, leader=403, leader_province=403, methods=("post",)),
        lambda r: {"pk": r.target.indicator_id},
    ),
    ("account_list", ADMIN_PAGE, None),
    ("account_create", ADMIN_FORM, None),
    ("account_detail", ADMIN_PAGE, lambda r: {"pk": r.account.pk}),
    ("account_update", ADMIN_FORM, lambda r: {"pk": r.account.pk}),
    ("account_reset_password", ADMIN_FORM, lambda r: {"pk": r.account.pk}),
    ("account_deactivate", ADMIN_ACTION, lambda r: {"pk": r.account.pk}),
    ("account_activate", ADMIN_ACTION, lambda r: {"pk": r.account.pk}),
    # API tokens: the owner's (tests/api/test_authentication.py) and an admin's; anyone else's a 404.
    (
        "account_tokens",
        Expect(staff=404, leader=404, leader_province=404, methods=("get", "post")),
        lambda r: {"pk": r.account.pk},
    ),
    (
        "account_token_revoke",
        Expect(admin=302, staff=404, leader=404, leader_province=404, methods=("post",)),
        lambda r: {"pk": r.account.pk, "token_pk": r.token.pk},
    ),
    # The REST API: a 401 without credentials; an empty write is the form's 400 for those who may
    # write, a 403 for leaders, a 404 for a record of another province.
    ("api-docs", READ, None),
    ("api-schema", API_READ, None),
    ("api-counts", API_READ, None),
    ("api-province-list", API_READ, None),
    ("api-province-detail", API_READ_SCOPED, lambda r: {"pk": r.province.pk}),
    ("api-indicator-list", API_READ, None),
    ("api-indicator-detail", API_READ, lambda r: {"code": "htx_founded"}),
    ("api-plan-list", API_READ, None),
    ("api-plan-detail", API_READ_SCOPED, lambda r: {"pk": r.plan.pk}),
    ("api-target-list", API_READ, None),
    ("api-target-detail", API_READ_SCOPED, lambda r: {"pk": r.target.pk}),
    ("api-organisation-list", API_READ, None),
    ("api-organisation-list", API_CREATE, None),
    ("api-organisation-detail", API_READ_SCOPED, lambda r: {"pk": r.organisation.pk}),
    ("api-organisation-detail", API_UPDATE, lambda r: {"pk": r.organisation.pk}),
    ("api-figures-list", API_READ, None),
    ("api-figures-list", API_CREATE, None),
    ("api-figures-detail", API_READ_SCOPED, lambda r: {"pk": r.figures.pk}),
    ("api-figures-detail", API_UPDATE, lambda r: {"pk": r.figures.pk}),
    ("api-figures-bulk", API_CREATE, None),
    ("api-rating-list", API_READ, None),
    ("api-rating-list", API_CREATE, None),
    ("api-rating-detail", API_READ_SCOPED, lambda r: {"pk": r.rating.pk}),
    ("api-rating-detail", API_UPDATE, lambda r: {"pk": r.rating.pk}),
    ("api-entered-value-list", API_READ, None),
    ("api-entered-value-list", API_CREATE, None),
    ("api-entered-value-detail", API_READ_SCOPED, lambda r: {"pk": r.entered_value.pk}),
    ("api-entered-value-detail", API_UPDATE, lambda r: {"pk": r.entered_value.pk}),
]
API_ROWS = [row for row in MATRIX if row[0].startswith("api-") and row[0] != "api-docs"]


def project_url_names(patterns=None):
    """(name, route) of every URL pattern, Django's admin (which guards itself) left out."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from project_url_names(pattern.url_patterns)
        else:
            yield pattern.name, str(pattern.pattern)


def test_every_url_of_the_project_is_in_the_matrix():
    urls = list(project_url_names())
    assert [route for name, route in urls if not name] == [], "every URL needs a name to be in the matrix"
    assert {name for name, _ in urls} - {row[0] for row in MATRIX} == set()
    assert {row[0] for row in MATRIX} - {name for name, _ in urls} == set(), "the matrix names a URL that is gone"


def make_records(code):
    place = province(code)
    organisation = OrganisationFactory(commune=commune(code))
    plan = PlanFactory(area=place)
    manual = Indicator.objects.filter(method=Indicator.Method.MANUAL).first()
    xa = AdminUnit.objects.communes().filter(kind="commune").of_structure("34").inside(place).order_by("code")[0]
    return SimpleNamespace(
        xa=xa,
        ntm=NtmRecognition.objects.create(
            commune=xa, level="standard", decision_number="1/QĐ-UBND", decided_on=datetime.date(2025, 12, 1)
        ),
        province=place,
        organisation=organisation,
        figures=YearlyFiguresFactory(organisation=organisation),
        rating=RatingFactory(organisation=organisation),
        support_action=SupportAction.objects.create(
            kind=SupportAction.Kind.TRADE_FAIR, occurred_on=datetime.date(2026, 5, 1), organisation=organisation
        ),
        plan=plan,
        target=TargetFactory(plan=plan, area=place),
        share_target=TargetFactory(
            plan=plan, area=place, indicator=Indicator.objects.get(code="htx_effective_share"), value=50
        ),
        task=Task.objects.create(plan=plan, title=f"Nhiệm vụ thử {code}", wording="…"),
        entered_value=EnteredValue.objects.create(
            indicator=manual, area=place, as_of=datetime.date(2026, 6, 30), value=1, source="thử"
        ),
        account=(account := User.objects.create_user(f"thu.{code}", role=User.Role.STAFF, province=place)),
        token=api_token_create(user=account, name="thử", created_by=account)[0],
        upload=RegistryImport.objects.create(
            created_by=User.objects.get(username=UPLOADERS[code]), province=place, file_name="ds.xlsx", content=b""
        ),
        export=(
            export := Export.objects.create(
                created_by=User.objects.get(username=UPLOADERS[code]),
                kind=Export.Kind.REGISTRY,
                format="csv",
                file_name="so.csv",
                status=Export.Status.DONE,
                size=3,
            )
        ),
        export_chunk=ExportChunk.objects.create(export=export, number=0, data=b"a,b"),
    )


@pytest.fixture
def records(db):
    return {OWN: make_records(OWN), OTHER: make_records(OTHER)}


@pytest.fixture
def clients(db):
    """A client per role, logged in once (force_login: the login itself is tested elsewhere)."""
    made = {}
    for role, username in ROLES.items():
        made[role] = Client()
        if username:
            made[role].force_login(User.objects.get(username=username))
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=[f"{row[0]}{row[3] if len(row) > 3 else ''}" for row in MATRIX])
def test_each_role_gets_the_expected_answer_for_its_own_and_another_provinces_record(row, records, clients):
    assert _wrong_answers(row, records, clients) == []


@pytest.fixture
def token_clients(db):
    """A client per role with an API token of its account (none for anonymous)."""
    made = {}
    for role, username in ROLES.items():
        made[role] = APIClient()
        if username:
            user = User.objects.get(username=username)
            made[role].credentials(
                HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='t', created_by=user)[1]}"
            )
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("row", API_ROWS, ids=[row[0] for row in API_ROWS])
def test_the_api_answers_a_token_as_it_answers_the_session(row, records, token_clients):
    assert _wrong_answers(row, records, token_clients) == []


def _wrong_answers(row, records, clients) -> list[str]:
    name, expect, arguments, *query = row
    wrong = []
    for which in (OWN, OTHER):
        url = reverse(name, kwargs=arguments(records[which]) if arguments else None) + "".join(query)
        for role in ROLES:
            for method in expect.methods:
                response = _request(clients[role], method, url, api=name.startswith("api-"))
                if response.status_code != expect.code(role, which):
                    wrong.append(
                        f"{method.upper()} {url} as {role}: {response.status_code}, expected {expect.code(role, which)}"
                    )
                elif _forms_without_csrf_token(response):
                    wrong.append(f"{method.upper()} {url} as {role}: a form without its CSRF token")
    return wrong


def _request(client, method, url, *, api):
    """A GET, or an empty write: an empty form, or for the API an empty JSON object."""
    if api and method != "get":
        return getattr(client, method)(url, "{}", content_type="application/json")
    return getattr(client, method)(url)


def _forms_without_csrf_token(response):
    if not response.get("Content-Type", "").startswith("text/html"):
        return 0
    html = response.content.decode()
    return html.count('method="post"') - html.count('name="csrfmiddlewaretoken"')


@pytest.mark.django_db
def test_a_yearly_row_is_reached_only_under_its_own_organisation(records, clients):
    own, other = records[OWN], records[OTHER]
    for part, row in (("figures", other.figures), ("ratings", other.rating)):
        url = reverse("organisation_part_update", args=[own.organisation.pk, part, row.pk])
        assert clients["admin"].get(url).status_code == 404
        assert clients["staff"].post(url, {"year": 2022}).status_code == 404


@pytest.mark.django_db
def test_only_admins_reach_the_django_admin(clients):
    assert clients["admin"].get("/admin/").status_code == 200
    for role in ("anonymous", "staff", "leader", "leader_province"):
        response = clients[role].get("/admin/accounts/user/")
        assert response.status_code == 302 and response["Location"].split("?")[0] in ("/login/", "/admin/login/")
