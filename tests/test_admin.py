"""The admin: every model of the project is there, its pages open, search and filters work."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from simple_history.models import HistoricalChanges

from accounts.models import User
from coop_tracker.lib.admin import ReadOnlyAdmin
from cooperatives.models import AdminUnit, Organisation, UnitLineage, YearlyFigures
from plans.models import EnteredValue, Indicator, Progress

pytestmark = pytest.mark.django_db

PROJECT_MODELS = [
    model
    for app_label in ("accounts", "cooperatives", "plans")
    for model in apps.get_app_config(app_label).get_models()
    if not issubclass(model, HistoricalChanges)
]
EDITABLE_MODELS = [model for model in PROJECT_MODELS if not isinstance(admin.site._registry[model], ReadOnlyAdmin)]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def current_provinces():
    return AdminUnit.objects.provinces().of_structure(AdminUnit.Structure.FROM_2025).order_by("code")


def make_commune(province):
    return AdminUnit.objects.create(
        code="99999",
        name="Thử Nghiệm",
        full_name="Xã Thử Nghiệm",
        level=AdminUnit.Level.COMMUNE,
        kind=AdminUnit.Kind.COMMUNE,
        structure=AdminUnit.Structure.FROM_2025,
        parent=province,
    )


def make_organisation(province, *, registration_code, commune=None):
    return Organisation.objects.create(
        kind=Organisation.Kind.COOPERATIVE,
        registration_code=registration_code,
        name=f"HTX thử nghiệm {registration_code}",
        sector=Organisation.Sector.AGRICULTURE,
        province=province,
        commune=commune or AdminUnit.objects.communes().filter(parent=province).order_by("code")[0],
        founded_on=datetime.date(2021, 3, 1),
    )


@pytest.fixture
def superuser_client(client):
    # Not pytest-django's admin_client: that one reuses any existing "admin" account,
    # which demo data may hold without superuser rights.
    client.force_login(User.objects.create_superuser("quantri", "quantri@example.vn", "x"))
    return client


def test_every_model_of_the_project_is_in_the_admin():
    assert [model for model in PROJECT_MODELS if not admin.site.is_registered(model)] == []


def test_admin_speaks_vietnamese(superuser_client):
    assert "Quản trị Coop Tracker" in superuser_client.get(reverse("admin:index")).text


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda model: model.__name__)
def test_changelist_opens_with_a_search(superuser_client, model):
    assert superuser_client.get(admin_url(model, "changelist"), {"q": "Hà Nội"}).status_code == 200


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=lambda model: model.__name__)
def test_add_page_opens(superuser_client, model):
    assert superuser_client.get(admin_url(model, "add")).status_code == 200


def test_unit_lineage_is_view_only(superuser_client):
    lineage = UnitLineage.objects.first()

    assert superuser_client.get(admin_url(UnitLineage, "add")).status_code == 403
    change_page = superuser_client.get(admin_url(UnitLineage, "change", lineage.pk))
    assert change_page.status_code == 200
    assert 'name="_save"' not in change_page.text


def test_organisation_search_finds_a_registration_code(superuser_client):
    hanoi, other = current_provinces()[:2]
    wanted = make_organisation(hanoi, registration_code="0109999991")
    make_organisation(other, registration_code="0209999992")

    response = superuser_client.get(admin_url(Organisation, "changelist"), {"q": "0109999991"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_organisation_changelist_filters_by_current_province(superuser_client):
    hanoi, other = current_provinces()[:2]
    wanted = make_organisation(hanoi, registration_code="0109999991")
    make_organisation(other, registration_code="0209999992")

    response = superuser_client.get(
        admin_url(Organisation, "changelist"), {"province__id__exact": hanoi.pk, "q": "thử nghiệm"}
    )

    assert list(response.context["cl"].result_list) == [wanted]
    province_filter = next(f for f in response.context["cl"].filter_specs if f.field_path == "province")
    assert {pk for pk, _name in province_filter.lookup_choices} == set(current_provinces().values_list("pk", flat=True))


def test_organisation_changelist_queries_do_not_grow_with_rows(superuser_client, django_assert_max_num_queries):
    province = current_provinces()[0]
    commune = make_commune(province)
    for number in range(25):
        make_organisation(province, registration_code=f"99000000{number:02}", commune=commune)

    with django_assert_max_num_queries(20):
        assert superuser_client.get(admin_url(Organisation, "changelist")).status_code == 200


def test_organisation_change_and_history_pages_open(superuser_client):
    organisation = make_organisation(current_provinces()[0], registration_code="0109999991")
    YearlyFigures.objects.create(organisation=organisation, year=2024, members=12)

    assert superuser_client.get(admin_url(Organisation, "change", organisation.pk)).status_code == 200
    assert superuser_client.get(admin_url(Organisation, "history", organisation.pk)).status_code == 200


def test_entered_value_records_who_entered_it(superuser_client):
    indicator = Indicator.objects.create(
        code="km-duong-test",
        name_vi="Số km đường giao thông nông thôn",
        name_en="Rural roads",
        unit=Indicator.Unit.KM,
        shape=Indicator.Shape.LEVEL,
        method=Indicator.Method.MANUAL,
    )
    area = current_provinces()[0]

    response = superuser_client.post(
        admin_url(EnteredValue, "add"),
        {"indicator": indicator.pk, "area": area.pk, "as_of": "2024-12-31", "value": "12.5", "source": "Sở GTVT"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert EnteredValue.objects.get(indicator=indicator).entered_by.username == "quantri"


def test_in_the_django_admin_a_staff_account_cannot_be_made_a_superuser(superuser_client):
    from accounts.models import User

    staff = User.objects.get(username="canbo.phutho")
    page = superuser_client.get(reverse("admin:accounts_user_change", args=[staff.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    data = {
        "username": staff.username,
        "role": "staff",
        "province": staff.province_id,
        "is_active": "on",
        "is_superuser": "on",
        "is_staff": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    response = superuser_client.post(reverse("admin:accounts_user_change", args=[staff.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert (staff.is_superuser, staff.is_staff) == (False, False)


def test_a_progress_row_shows_its_explanation_as_a_sentence_not_its_parts(superuser_client):
    progress = Progress.objects.get(target__wording="Hàng năm thành lập mới ít nhất 50 HTX")
    page = superuser_client.get(admin_url(Progress, "change", progress.pk)).text
    assert "4/6 năm đạt; không đạt 2021, 2024. Năm 2025: thực hiện 50 HTX; mục tiêu ≥ 50 HTX." in page
    assert "missed_years" not in page and "strip" not in page


def test_a_password_set_in_the_django_admin_is_temporary(superuser_client):
    staff = User.objects.get(username="canbo.phutho")
    url = reverse("admin:auth_user_password_change", args=[staff.pk])
    new = {"password1": "mat-khau-quan-tri-2026", "password2": "mat-khau-quan-tri-2026", "usable_password": "true"}
    response = superuser_client.post(url, new)
    assert response.status_code == 302, response.context["adminform"].form.errors
    staff.refresh_from_db()
    assert staff.check_password("mat-khau-quan-tri-2026")
    assert staff.must_change_password and staff.temporary_password_expires_at > datetime.datetime.now(datetime.UTC)

    added = {"username": "moi.tu.admin", "role": "leader"}
    added |= {"password1": "mat-khau-quan-tri-2026", "password2": "mat-khau-quan-tri-2026"}
    response = superuser_client.post(reverse("admin:accounts_user_add"), {**added, "usable_password": "true"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="moi.tu.admin").must_change_password
