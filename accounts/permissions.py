"""Who may read what: the one way a page loads a record by its id.

Every model a page opens by id has a `visible_to(user)` QuerySet method; loading
through it means that changing an id in a URL reaches nothing outside the
account's scope (a 404, the same answer as for a record that does not exist).
Changing records is for admins and provincial staff only (leaders read); issue 6
completes the rules here.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def get_visible_or_404(queryset, user, **lookup):
    return get_object_or_404(queryset.visible_to(user), **lookup)


def require_registry_editor(user) -> None:
    """Leaders read and never write: a 403 for them on every form of the registry."""
    if not user.can_edit_registry:
        raise PermissionDenied
