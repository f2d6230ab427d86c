"""The registry says what changed in it: `registry_changed`, for the apps that read it.

Sent for every change of organisations, yearly figures, ratings, support actions and new-rural
recognitions: a save or
delete of one row (the receivers below, connected in CooperativesConfig.ready; the deletion and
restore of an organisation in cooperatives.services go row by row through them), and once per
kind of row for an import (cooperatives.services._plan_write), whose rows are written in bulk
and fire no model signal. The registry does not know who listens: plans queues its recompute.

Keyword arguments:
- `kind`: "organisations", "figures", "ratings", "actions" or "ntm" (a commune's new-rural
  recognitions);
- `places`: the ids of the AdminUnits whose contents changed: the rows' communes (a support
  action's area), both communes of an organisation moved from one to the other;
- `fields`: the attnames an update of existing rows changed, or None when the whole row changed
  (created, deleted, restored), and for a save of figures, a rating or an action, which keep no
  loaded values to compare with.
"""

from django.dispatch import Signal

from cooperatives.models import NtmRecognition, Organisation, Rating, SupportAction, YearlyFigures

registry_changed = Signal()

KINDS = {
    Organisation: "organisations",
    YearlyFigures: "figures",
    Rating: "ratings",
    SupportAction: "actions",
    NtmRecognition: "ntm",
}


def places_of(instance) -> set[int]:
    """The units whose contents change when `instance` changes."""
    if isinstance(instance, Organisation):
        # Its communes, and where it was supported: an action counts where it took place, and
        # some figures count actions by their HTX's kind or sector.
        loaded = instance._loaded_values or {}
        supported = SupportAction.objects.filter(organisation_id=instance.pk).values_list("area_id", flat=True)
        return {instance.commune_id, loaded.get("commune_id"), *(supported.distinct() if instance.pk else ())} - {None}
    if isinstance(instance, SupportAction):
        # Its own area, and its organisation's commune: the nation counts the distinct HTX
        # supported by their own province (plans.national), which need not be the action's.
        organisations = {instance.organisation_id, getattr(instance, "loaded_organisation_id", None)} - {None}
        communes = Organisation.objects.filter(pk__in=organisations).values_list("commune_id", flat=True)
        return {instance.area_id, getattr(instance, "loaded_area_id", None), *communes} - {None}
    if isinstance(instance, NtmRecognition):
        return {instance.commune_id}
    organisation = Organisation.objects.filter(pk=instance.organisation_id)  # YearlyFigures, Rating
    return set(organisation.values_list("commune_id", flat=True))


def row_saved(sender, instance, created, update_fields=None, **kwargs):
    changed = instance.changed_fields(update_fields) if sender is Organisation and not created else None
    registry_changed.send(sender, kind=KINDS[sender], places=places_of(instance), fields=changed)


def row_deleted(sender, instance, **kwargs):
    registry_changed.send(sender, kind=KINDS[sender], places=places_of(instance), fields=None)
