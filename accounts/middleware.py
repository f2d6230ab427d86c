"""An account with a temporary password reaches nothing but the page that replaces it, and once the
password has expired, nothing at all."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from accounts.forms import EXPIRED

# Pages an account with a temporary password may still open: the password change itself,
# logging out, the language switch and the health check.
ALLOWED_URL_NAMES = {"password_change", "password_change_done", "logout", "set_language", "health"}


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        temporary = user is not None and user.is_authenticated and user.must_change_password
        if temporary and user.temporary_password_expired:
            logout(request)  # a session opened with it ends too
            messages.error(request, EXPIRED)
            return redirect("login")
        if temporary and _url_name(request.path_info) not in ALLOWED_URL_NAMES:
            return redirect("password_change")
        return self.get_response(request)


def _url_name(path):
    try:
        return resolve(path).url_name
    except Resolver404:
        return None
