"""Edits mark their places and queue one recompute per burst, after commit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import AdminUnit, Organisation, Rating
from cooperatives.services import registry_import
from cooperatives.signals import registry_changed
from plans.models import Indicator, PendingRecompute, Progress, RecomputeSchedule
from plans.services import progress_recompute_pending
from tests.factories import OrganisationFactory, PlanFactory, TargetFactory, commune, province, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_pending():
    PendingRecompute.objects.all().delete()
    RecomputeSchedule.objects.update_or_create(pk=1, defaults={"queued_at": None})


def pending():
    return set(PendingRecompute.objects.values_list("area_id", flat=True))


def test_a_new_htx_marks_its_commune_and_queues_one_recompute_after_commit(django_capture_on_commit_callbacks):
    place = commune("04")
    with django_capture_on_commit_callbacks() as callbacks:
        OrganisationFactory(commune=place)
    assert pending() == {place.pk}
    assert len(callbacks) == 1


def test_a_burst_of_edits_queues_a_single_recompute(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(50):
            OrganisationFactory(commune=commune("04"))
    assert len(callbacks) == 1
    assert RecomputeSchedule.objects.get().queued_at


def test_a_claim_left_by_a_lost_message_expires(django_capture_on_commit_callbacks):
    lost = timezone.now() - RecomputeSchedule.CLAIM_EXPIRES - datetime.timedelta(seconds=1)
    RecomputeSchedule.objects.filter(pk=1).update(queued_at=lost)
    with django_capture_on_commit_callbacks() as callbacks:
        OrganisationFactory(commune=commune("04"))
    assert len(callbacks) == 1


def test_moving_an_organisation_marks_both_communes():
    organisation = OrganisationFactory(commune=commune("04"))
    PendingRecompute.objects.all().delete()
    organisation.commune = commune("11")
    organisation.save()
    assert pending() == {commune("04").pk, commune("11").pk}


def test_a_rating_marks_its_organisations_commune():
    organisation = OrganisationFactory(commune=commune("04"))
    PendingRecompute.objects.all().delete()
    Rating.objects.create(organisation=organisation, year=2025, verified_score=70)
    assert pending() == {commune("04").pk}


def test_the_drain_recomputes_only_targets_that_hold_a_changed_place():
    cao_bang = province("04")
    here = TargetFactory(plan=PlanFactory(area=cao_bang), area=cao_bang, year_from=2026, year_to=2026, value=1)
    elsewhere = Progress.objects.exclude(target=here).order_by("pk").first()
    OrganisationFactory(commune=commune("04"), founded_on=datetime.date(2026, 3, 1))
    assert progress_recompute_pending(today=datetime.date(2026, 11, 22)) == 1
    assert Progress.objects.get(target=here).actual == 1
    assert Progress.objects.get(pk=elsewhere.pk).computed_at == elsewhere.computed_at
    assert not PendingRecompute.objects.exists() and RecomputeSchedule.objects.get().queued_at is None


def test_a_rating_recomputes_only_targets_whose_indicator_reads_ratings():
    cao_bang = province("04")
    plan = PlanFactory(area=cao_bang)
    founded = TargetFactory(plan=plan, area=cao_bang, year_from=2025, year_to=2025)
    effective = TargetFactory(
        plan=plan,
        area=cao_bang,
        year_from=2025,
        year_to=2025,
        indicator=Indicator.objects.get(code="htx_effective_share"),
    )
    organisation = OrganisationFactory(commune=commune("04"))
    progress_recompute_pending(today=datetime.date(2026, 11, 22))
    before = Progress.objects.get(target=founded).computed_at
    Rating.objects.create(organisation=organisation, year=2025, verified_score=90)
    assert set(PendingRecompute.objects.values_list("source", flat=True)) == {"ratings"}
    assert progress_recompute_pending(today=datetime.date(2026, 11, 22)) == 1
    assert Progress.objects.get(target=effective).actual == 100
    assert Progress.objects.get(target=founded).computed_at == before


def test_renaming_an_organisation_moves_no_figure(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(commune=commune("04"))
    PendingRecompute.objects.all().delete()
    RecomputeSchedule.objects.filter(pk=1).update(queued_at=None)
    organisation.name = "HTX Đổi Tên"
    with django_capture_on_commit_callbacks() as callbacks:
        organisation.save()
    assert not PendingRecompute.objects.exists() and not callbacks


def test_suspending_an_organisation_moves_its_figures():
    organisation = Organisation.objects.get(pk=OrganisationFactory(commune=commune("04")).pk)
    PendingRecompute.objects.all().delete()
    organisation.status, organisation.status_since = "suspended", datetime.date(2025, 3, 1)
    organisation.save()
    assert list(PendingRecompute.objects.values_list("source", flat=True)) == ["organisations"]


def test_an_alliance_date_recomputes_only_the_alliance_targets():
    organisation = Organisation.objects.get(pk=OrganisationFactory(commune=commune("04")).pk)
    PendingRecompute.objects.all().delete()
    organisation.alliance_joined_on = datetime.date(2024, 5, 1)
    organisation.save()
    assert list(PendingRecompute.objects.values_list("source", flat=True)) == ["alliance"]
    organisation.sector = Organisation.Sector.TRANSPORT  # a sector alone: the figures that name it
    organisation.save()
    assert set(PendingRecompute.objects.values_list("source", flat=True)) == {"alliance", "sector"}
    organisation.kind = Organisation.Kind.UNION
    organisation.save()
    assert set(PendingRecompute.objects.values_list("source", flat=True)) == {"alliance", "sector", "organisations"}


@pytest.mark.parametrize(
    ("kind", "fields", "sources"),
    [
        ("organisations", None, {"organisations"}),
        ("organisations", {"name", "address", "updated_at"}, set()),
        ("organisations", {"alliance_joined_on", "updated_at"}, {"alliance"}),
        ("organisations", {"alliance_joined_on", "dissolved_on"}, {"organisations"}),
        ("organisations", {"status", "status_since", "updated_at"}, {"organisations"}),  # "active" reads them
        ("organisations", {"sector", "updated_at"}, {"sector"}),
        ("organisations", {"sector", "kind"}, {"organisations"}),
        ("figures", {"members"}, {"figures"}),
        ("ratings", None, {"ratings"}),
        ("actions", None, {"actions"}),
    ],
)
def test_the_registrys_announcements_mark_the_sources_whose_figures_they_move(kind, fields, sources):
    places = {commune("04").pk, commune("11").pk}
    registry_changed.send(Organisation, kind=kind, places=places, fields=fields and frozenset(fields))
    assert set(PendingRecompute.objects.values_list("source", flat=True)) == sources
    assert pending() == (places if sources else set())


def test_an_import_of_new_alliance_dates_and_names_recomputes_only_the_alliance_targets():
    place = commune("24")
    OrganisationFactory(commune=place, registration_code="2409900201")
    OrganisationFactory(commune=place, registration_code="2409900202")
    PendingRecompute.objects.all().delete()
    header = ["Mã số đăng ký", "Tên tổ chức", "Ngày gia nhập Liên minh HTX tỉnh"]
    rows = [header, ["2409900201", "HTX Tên Mới", None], ["2409900202", None, "01/05/2024"]]
    report = registry_import(data=xlsx_bytes(rows), file_name="x.xlsx", province=province("24"), commit=True)
    assert report.committed, report.errors
    assert list(PendingRecompute.objects.values_list("area_id", "source")) == [(place.pk, "alliance")]


def test_an_import_that_changes_an_htxs_sector_marks_where_it_was_supported_too():
    """Some figures count support actions by their HTX's kind or sector, where the action took
    place: a province the HTX is not in."""
    from cooperatives.models import SupportAction

    place, elsewhere = commune("24"), commune("04")
    organisation = OrganisationFactory(commune=place, registration_code="2409900301")
    SupportAction.objects.create(
        kind=SupportAction.Kind.CONSOLIDATION,
        occurred_on=datetime.date(2024, 4, 2),
        organisation=organisation,
        area=elsewhere,
    )
    PendingRecompute.objects.all().delete()
    rows = [["Mã số đăng ký", "Tên tổ chức", "Lĩnh vực hoạt động"], ["2409900301", None, "Vận tải"]]
    report = registry_import(data=xlsx_bytes(rows), file_name="x.xlsx", province=province("24"), commit=True)
    assert report.committed, report.errors
    organisation.refresh_from_db()
    assert organisation.sector == Organisation.Sector.TRANSPORT
    assert set(PendingRecompute.objects.values_list("area_id", "source")) == {
        (place.pk, "sector"),
        (elsewhere.pk, "sector"),
    }


def test_with_tasks_run_eagerly_a_failing_recompute_does_not_turn_a_saved_edit_into_an_error(
    client, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from coop_tracker.celery import app
    from plans import tasks
    from tests.cooperatives.test_organisation_form import new_htx
    from tests.factories import logged_in

    def broken(**kwargs):
        raise RuntimeError("a rule divides by zero")

    monkeypatch.setattr(app.conf, "task_always_eager", True)  # as `make run` has it
    monkeypatch.setattr(tasks, "progress_recompute_pending", broken)
    staff = logged_in(client, "canbo.bacninh")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("organisation_create"), new_htx(commune("24")))
    assert response.status_code == 302
    assert Organisation.objects.filter(registration_code="2409999001").exists()
    assert "the edit itself is saved" in caplog.text and "a rule divides by zero" in caplog.text


def test_a_broker_that_does_not_answer_does_not_turn_a_saved_edit_into_an_error(monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    from plans import signals, tasks

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.recompute_pending_progress, "apply_async", unreachable)
    signals.queue_recompute()
    assert "could not be queued" in caplog.text


REGISTRY_SOURCES_READ = {
    # A kind of registry row (what an edit marks) → the grouped queries' sources it is read through.
    PendingRecompute.Source.FIGURES: {"figures"},
    PendingRecompute.Source.RATINGS: {"ratings"},
    PendingRecompute.Source.ACTIONS: {"actions", "trained", "trained_ended"},  # trainings are actions
    PendingRecompute.Source.NTM: {"ntm_decided", "ntm_standing"},
}


def test_an_edit_of_each_kind_recomputes_every_indicator_that_reads_it():
    """READERS says which indicators an edit can move; each indicator of the catalogue that reads
    a kind of row (as the recompute registers its columns) is among them, or an edit of that kind
    would leave its figures stale."""
    from plans.rules import RULES, Aggregates
    from plans.services import ACTION_RULES, FIGURE_RULES, NTM_RULES, RATING_RULES

    readers = {
        PendingRecompute.Source.FIGURES: FIGURE_RULES,
        PendingRecompute.Source.RATINGS: RATING_RULES,
        PendingRecompute.Source.ACTIONS: ACTION_RULES,
        PendingRecompute.Source.NTM: NTM_RULES,
    }

    nation = AdminUnit.objects.get(level=AdminUnit.Level.NATION)
    for indicator in Indicator.objects.filter(method=Indicator.Method.DERIVED):
        rule = RULES[indicator.rule]
        for denominator in rule.allowed_denominators(indicator.rule_params) or ("",):
            agg = Aggregates([nation], 2016, 2026)
            rule.need(agg, indicator.rule_params, denominator, "key")
            read = {source.name for source, columns in agg.columns.items() if columns}
            for kind, names in REGISTRY_SOURCES_READ.items():
                if read & names:
                    assert indicator.rule in readers[kind], f"{indicator.code} reads {kind}: edits must recompute it"


def stored_progress() -> dict:
    from plans.models import ProgressYear

    rows = {("p", p.target_id): (p.actual, p.numerator, p.denominator, p.status) for p in Progress.objects.all()}
    rows.update(
        {
            ("y", y.target_id, y.year): (y.actual, y.numerator, y.denominator, y.status)
            for y in ProgressYear.objects.all()
        }
    )
    return rows


def test_a_sector_change_recomputes_what_reads_the_sector_and_leaves_nothing_stale():
    """A sector alone moves only the figures whose conditions name it (agricultural HTX, an
    indicator narrowed to a sector): the drain recomputes those, and every stored figure is then
    what a full recompute gives."""
    from plans.services import progress_recompute, readers_of

    today = datetime.date(2026, 11, 22)
    progress_recompute(today=today)
    PendingRecompute.objects.all().delete()
    before = stored_progress()
    organisation = (
        Organisation.objects.filter(kind="htx", sector="agriculture", yearly_figures__linked_with_enterprise=True)
        .order_by("pk")
        .first()
    )
    organisation.sector = Organisation.Sector.TRADE_SERVICES
    organisation.save()
    assert set(PendingRecompute.objects.values_list("source", flat=True)) == {"sector"}
    readers = readers_of("sector")
    assert Indicator.objects.filter(pk__in=readers, rule="linked_share").exists()
    assert not Indicator.objects.filter(pk__in=readers, code="htx_active").exists()  # every sector's HTX
    assert progress_recompute_pending(today=today) > 0
    drained = stored_progress()
    assert drained != before, "the sector moved some figure"
    progress_recompute(today=today)
    assert stored_progress() == drained


def test_a_target_whose_period_is_shortened_keeps_no_figures_for_the_years_it_lost():
    from plans.models import ProgressYear, Target
    from plans.services import progress_recompute

    today = datetime.date(2026, 11, 22)
    target = Target.objects.filter(period="term", year_from__lte=2022, year_to__gte=2024).order_by("pk").first()
    progress_recompute(targets=Target.objects.filter(pk=target.pk), today=today)
    assert ProgressYear.objects.filter(target=target, year=2024).exists()
    PendingRecompute.objects.all().delete()
    target.year_to = 2023
    target.save()
    progress_recompute_pending(today=today)
    assert not ProgressYear.objects.filter(target=target, year__gt=2023).exists()
    # An edit of the registry (no target saved) leaves the cleanup out, and nothing comes back.
    organisation = (
        Organisation.objects.filter(province=target.area_id).order_by("pk").first() or Organisation.objects.first()
    )
    organisation.founded_on = datetime.date(2021, 2, 3)
    organisation.save()
    progress_recompute_pending(today=today)
    assert not ProgressYear.objects.filter(target=target, year__gt=2023).exists()
