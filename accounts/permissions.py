"""Who may read and change what: the one place every view, form, export and list asks.

- Reading: every model a page lists or opens has a `visible_to(user)` QuerySet method (the
  rule for that model, next to its other queries). Views, forms, filters and exports reach
  rows only through `visible()` or `get_visible_or_404()`, so changing an id in a URL reaches
  nothing outside the account's scope: a 404, the same answer as for a record that does not exist.
- Changing: admins and provincial staff change the records of their scope; leaders only read
  (a 403 on every form): `require_registry_editor()`, or `get_editable_or_404()` for a record.
- Accounts: only admins manage them (`require_admin()`).

tests/accounts/test_permission_matrix.py checks every URL of the project against every role,
for a record of the account's own province and of another.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def visible(queryset, user):
    """The rows of `queryset` the account may read (all, or those of its province)."""
    return queryset.visible_to(user)


def get_visible_or_404(queryset, user, **lookup):
    return get_object_or_404(visible(queryset, user), **lookup)


def require_registry_editor(user) -> None:
    """Leaders read and never write: a 403 for them on every form of the registry and plans."""
    if not user.can_edit_registry:
        raise PermissionDenied


def get_editable_or_404(queryset, user, **lookup):
    """A record the account may change: a 403 for a leader, a 404 outside its province."""
    require_registry_editor(user)
    return get_visible_or_404(queryset, user, **lookup)


def require_round_actor(user, reporting_round) -> None:
    """A province's reporting round is moved by its staff (and admins) or the national verifier;
    anyone else who reads it gets a 403 (cooperatives.ReportingRound.allowed_actions says which moves)."""
    if not (user.can_write_into(reporting_round.current_province) or user.can_verify_rounds):
        raise PermissionDenied


def require_admin(user) -> None:
    """Account management is for admins only."""
    if not user.can_manage_accounts:
        raise PermissionDenied
