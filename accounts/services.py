"""What admins do to accounts. Each change is saved with its reason, so the account's history
says who did what and when (simple_history records the admin from the request)."""

import secrets

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, User

# No look-alike characters (0/O, 1/l/I): the password is read out or copied by hand.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_GROUPS, PASSWORD_GROUP_LENGTH = 3, 4


def temporary_password() -> str:
    """Three groups of four random characters, such as `k7Pq-2mZx-Rt9a` (about 71 bits)."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH)) for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def _save(user, change):
    user._change_reason = change
    user.save()


@transaction.atomic
def account_create(*, user: User) -> str:
    """Save a new account with a temporary password it must change at first login; return the password."""
    user.apply_role()
    password = temporary_password()
    user.set_temporary_password(password)
    _save(user, User.Change.CREATED)
    return password


def account_update(*, user: User) -> None:
    user.apply_role()
    _save(user, User.Change.EDITED)


def account_verifier_set(*, user: User, verifies: bool) -> None:
    """Give or take a national leader's right to verify the provinces' yearly reports (the
    permission cooperatives.verify_reportinground; admins always have it). A provincial account
    never keeps it: it is taken away whenever the account is not a national leader."""
    permission = Permission.objects.get(content_type__app_label="cooperatives", codename="verify_reportinground")
    if verifies and user.role == User.Role.LEADER and user.province_id is None:
        user.user_permissions.add(permission)
    else:
        user.user_permissions.remove(permission)


@transaction.atomic
def account_reset_password(*, user: User) -> str:
    """A new temporary password, to be changed at next login; also lifts a lockout of the account."""
    password = temporary_password()
    user.set_temporary_password(password)
    _save(user, User.Change.PASSWORD_RESET)
    axes_reset(username=user.username)
    return password


def account_set_active(*, user: User, active: bool) -> None:
    """Deactivated accounts cannot log in, and their open sessions end at their next request."""
    user.is_active = active
    _save(user, User.Change.ACTIVATED if active else User.Change.DEACTIVATED)


def api_token_create(*, user: User, name: str, created_by: User) -> tuple[ApiToken, str]:
    """A new API token for `user`; returns it with its secret, which is stored only as a digest
    and so must be shown now or never."""
    secret = "ct_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: ApiToken.PREFIX_LENGTH],
        digest=ApiToken.digest_of(secret),
        created_by=created_by,
    )
    return token, secret


def api_token_revoke(*, token: ApiToken, by: User) -> None:
    """A revoked token is refused from its next request on; it stays listed, with who revoked it."""
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), by
        token.save(update_fields=["revoked_at", "revoked_by"])
