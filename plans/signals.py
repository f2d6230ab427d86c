"""Mark the places whose figures an edit can change, and queue one recompute for a burst of edits.

The registry announces its changes (cooperatives.signals.registry_changed: a saved or deleted
organisation, yearly figures, rating or support action, or a whole import); plans' own source
rows (entered values, targets) are followed through their model signals. Either way the places
and the kind of source are recorded in PendingRecompute, inside the edit's own transaction. The
first edit of a burst also claims RecomputeSchedule.queued_at with a conditional update and,
after its commit, queues `recompute_pending_progress` with a short countdown; later edits find
the claim taken and queue nothing. The task releases the claim before it drains, so an edit
committed during a run queues the next one.
"""

import logging

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from cooperatives.signals import registry_changed
from plans.models import EnteredValue, PendingRecompute, RecomputeSchedule, Target

COALESCE_SECONDS = 1
logger = logging.getLogger(__name__)

Source = PendingRecompute.Source
REGISTRY_SOURCES = {
    "figures": Source.FIGURES,
    "ratings": Source.RATINGS,
    "actions": Source.ACTIONS,
    "ntm": Source.NTM,
}
OWN_SOURCES = {EnteredValue: Source.ENTERED, Target: Source.TARGETS}

# The organisation columns the rules read; an edit of any other (name, address…) moves no figure.
# "Active" reads the status and its date too (cooperatives.models.left_on).
MEASURED_FIELDS = frozenset({"kind", "sector", "commune_id", "founded_on", "dissolved_on", "status", "status_since"})
ALLIANCE_FIELDS = frozenset({"alliance_joined_on"})
SECTOR_FIELDS = frozenset({"sector"})


def registry_source(kind: str, fields: frozenset[str] | None) -> str | None:
    """Which figures a change of the registry can move. For organisations it depends on the fields
    changed (None: the whole row): all derived figures, the alliance's, or none (a rename)."""
    if kind != "organisations":
        return REGISTRY_SOURCES[kind]
    if fields is not None and fields & MEASURED_FIELDS == SECTOR_FIELDS:
        return Source.SECTOR  # the figures whose conditions name the sector, not every one
    if fields is None or fields & MEASURED_FIELDS:
        return Source.ORGANISATIONS
    if fields & ALLIANCE_FIELDS:
        return Source.ALLIANCE
    return None


def request_recompute(area_ids, source: str) -> None:
    """Mark places as changed in one kind of source; queue the drain task unless one is already queued."""
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
        transaction.on_commit(queue_recompute)


def queue_recompute() -> None:
    """Queue the drain, after the edit's commit. The edit is saved by then, whatever happens here:
    a broker that does not answer, or, with tasks run eagerly (`make run`), a recompute that fails,
    is logged rather than turned into an error page for a save that succeeded. The marks stay in
    PendingRecompute; the claim expires within a minute, so a later edit queues the drain again,
    and the nightly run recomputes everything."""
    from plans.tasks import recompute_pending_progress

    try:
        recompute_pending_progress.apply_async(countdown=COALESCE_SECONDS)
    except Exception:
        logger.exception("The progress recompute failed or could not be queued; the edit itself is saved.")


@receiver(registry_changed)
def registry_changed_recompute(sender, kind, places, fields, **kwargs):
    source = registry_source(kind, fields)
    if source and places:
        request_recompute(places, source)


@receiver(post_save, sender=EnteredValue)
@receiver(post_save, sender=Target)
@receiver(post_delete, sender=EnteredValue)
@receiver(post_delete, sender=Target)
def own_source_changed(sender, instance, **kwargs):
    request_recompute({instance.area_id}, OWN_SOURCES[sender])
