"""How password guessing is limited (README, "Security"): django-axes counts wrong passwords, at
login and on /password/, by username and address together, by address and by username, and each
count has its limit (settings, "Lockout"). axes compares one number with one limit, which the
handler gives it: the pair's count, or that limit itself once any of the three is reached."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

# In the order of settings.AXES_LOCKOUT_PARAMETERS.
PAIR, ADDRESS, USERNAME = "pair", "address", "username"


def limits() -> dict[str, int]:
    return {
        PAIR: settings.AXES_FAILURE_LIMIT,
        ADDRESS: settings.AXES_ADDRESS_FAILURE_LIMIT,
        USERNAME: settings.AXES_USERNAME_FAILURE_LIMIT,
    }


class LockoutHandler(AxesDatabaseHandler):
    def failures(self, request, credentials=None) -> dict[str, int]:
        """Wrong passwords within the cool-off: by the pair, by the address, by the username."""
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        return dict(zip((PAIR, ADDRESS, USERNAME), counts, strict=True))

    def reached(self, request, credentials=None) -> str | None:
        """Which limit this request has reached, if any (the pair's first)."""
        counts = self.failures(request, credentials)
        return next((name for name, limit in limits().items() if counts[name] >= limit), None)

    def get_failures(self, request, credentials=None) -> int:
        counts = self.failures(request, credentials)
        if any(counts[name] >= limit for name, limit in limits().items()):
            return max(counts[PAIR], settings.AXES_FAILURE_LIMIT)
        return counts[PAIR]

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful login, only its own pair's failures: logging in to one's own account
        must not wipe the count of a password tried on every username from the same address."""
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return deleted


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page (429), saying which limit was reached."""
    reason = LockoutHandler().reached(request, credentials) or PAIR
    context = {"reason": reason, "limit": limits()[reason], "minutes": int(get_cool_off(request).total_seconds() // 60)}
    return render(request, "accounts/locked_out.html", context, status=429)
