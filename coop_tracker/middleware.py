"""Response headers Django does not set itself, and request bodies refused before they are read."""

from django.conf import settings
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (settings.CONTENT_SECURITY_POLICY,
    settings.PERMISSIONS_POLICY). Every asset is served from our own static files, so the policy allows
    our own origin only; styles also allow inline ones because Plotly writes <style> elements and
    style attributes when it draws a chart."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": "; ".join(
                f"{directive} {' '.join(sources)}".strip()
                for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
            ),
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for header, value in self.headers.items():
            if value:
                response.headers.setdefault(header, value)
        return response


class PrivateCacheMiddleware:
    """Cache-Control: no-store, private on every response to a logged-in account: its pages and
    exports hold its province's registry, which neither the browser's cache (a shared office
    computer, after logging out) nor a proxy may keep. Static files (whitenoise answers them before
    this runs) and /health/ keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(request.resolver_match, "url_name", None) != "health":
            patch_cache_control(response, no_store=True, private=True)
        return response


class RequestSizeMiddleware:
    """A request whose declared body is larger than its page takes is refused (413) before anything
    reads it: Django would otherwise spool a whole upload to disk (to check the CSRF token, before
    any view runs) and only then let the import form say it is too large.
    settings.REQUEST_BODY_LIMITS gives the pages that take more than REQUEST_BODY_MAX_BYTES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_BODY_MAX_BYTES and length > self.limit(request.path_info):
            context = {"limit_mb": self.limit(request.path_info) // (1024 * 1024)}
            return render(request, "request_too_large.html", context, status=413)
        return self.get_response(request)

    @staticmethod
    def limit(path: str) -> int:
        try:
            name = resolve(path).url_name
        except Resolver404:
            name = None
        return settings.REQUEST_BODY_LIMITS.get(name, settings.REQUEST_BODY_MAX_BYTES)
