"""Mark the places whose figures an edit can change, and queue one recompute for a burst of edits.

Every save or delete of a source row (organisation, yearly figures, rating, support action,
entered value, target) records its place and kind of source in PendingRecompute, inside the
edit's own transaction. The first edit of a burst also claims RecomputeSchedule.queued_at with
a conditional update and, after its commit, queues `recompute_pending_progress` with a short
countdown; later edits find the claim taken and queue nothing. The task releases the claim
before it drains, so an edit committed during a run queues the next one.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from django.utils import timezone

from cooperatives.models import Organisation, Rating, SupportAction, YearlyFigures
from plans.models import EnteredValue, PendingRecompute, RecomputeSchedule, Target

COALESCE_SECONDS = 1


SOURCES = {
    Organisation: PendingRecompute.Source.ORGANISATIONS,
    YearlyFigures: PendingRecompute.Source.FIGURES,
    Rating: PendingRecompute.Source.RATINGS,
    SupportAction: PendingRecompute.Source.ACTIONS,
    EnteredValue: PendingRecompute.Source.ENTERED,
    Target: PendingRecompute.Source.TARGETS,
}


# The organisation columns the rules read; an edit of any other (name, address…) moves no figure.
MEASURED_FIELDS = ("kind", "sector", "commune_id", "founded_on", "dissolved_on")
ALLIANCE_FIELDS = ("alliance_joined_on",)


def _values(organisation, fields):
    return tuple(getattr(organisation, name) for name in fields)


def organisation_source(instance, created: bool) -> str | None:
    """Which figures an organisation's save can move: all derived ones, the alliance's, or none."""
    loaded = getattr(instance, "_loaded", None)
    if created or loaded is None or _values(instance, MEASURED_FIELDS) != loaded[0]:
        return PendingRecompute.Source.ORGANISATIONS
    if _values(instance, ALLIANCE_FIELDS) != loaded[1]:
        return PendingRecompute.Source.ALLIANCE
    return None


def places_of(instance) -> set[int]:
    """The units whose contents change when `instance` changes."""
    if isinstance(instance, Organisation):
        loaded = getattr(instance, "_loaded", None)
        return {instance.commune_id, loaded[0][2] if loaded else None} - {None}
    if isinstance(instance, YearlyFigures | Rating):
        return set(Organisation.objects.filter(pk=instance.organisation_id).values_list("commune_id", flat=True))
    return {instance.area_id}  # SupportAction, EnteredValue, Target


def request_recompute(area_ids, source: str) -> None:
    """Mark places as changed in one kind of source; queue the drain task unless one is already queued."""
    from plans.tasks import recompute_pending_progress

    PendingRecompute.objects.bulk_create(
        [PendingRecompute(area_id=pk, source=source) for pk in area_ids],
        update_conflicts=True,
        unique_fields=["area", "source"],
        update_fields=["requested_at"],
    )
    now = timezone.now()
    RecomputeSchedule.objects.get_or_create(pk=1)
    unclaimed = Q(queued_at__isnull=True) | Q(queued_at__lt=now - RecomputeSchedule.CLAIM_EXPIRES)
    if RecomputeSchedule.objects.filter(unclaimed, pk=1).update(queued_at=now):
        recompute_pending_progress.apply_async_on_commit(countdown=COALESCE_SECONDS)


@receiver(post_init, sender=Organisation)
def remember_measured_fields(sender, instance, **kwargs):
    # What the row held when loaded: a save then knows what it changed (and a move between
    # communes changes the figures of both places).
    if instance.pk:
        instance._loaded = (_values(instance, MEASURED_FIELDS), _values(instance, ALLIANCE_FIELDS))


@receiver(post_save)
@receiver(post_delete)
def source_changed(sender, instance, created=True, **kwargs):
    if sender not in SOURCES:
        return
    source = organisation_source(instance, created) if sender is Organisation else SOURCES[sender]
    if source:
        request_recompute(places_of(instance), source)
    if sender is Organisation:
        remember_measured_fields(sender, instance)
