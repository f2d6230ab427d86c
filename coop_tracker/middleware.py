"""Response headers Django does not set itself."""

from django.conf import settings


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
