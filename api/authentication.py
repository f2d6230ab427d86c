"""API tokens: `Authorization: Bearer ct_…`, checked against the SHA-256 digests in accounts.ApiToken."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import ApiToken

# last_used_at is written at most this often per token: a write per request would double the
# queries of a read.
TOUCH_EVERY = datetime.timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword:
            return None  # not ours: the session may authenticate the request
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải là “Bearer <khóa API>”."))
        try:
            secret = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ hoặc đã bị thu hồi.")) from None
        token = (
            ApiToken.objects.active().select_related("user__province").filter(digest=ApiToken.digest_of(secret)).first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ hoặc đã bị thu hồi."))
        self._touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'  # a 401, not a 403, for a request without credentials

    @staticmethod
    def _touch(token):
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token (drf-spectacular finds this extension by its target)."""

    target_class = BearerTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made on the account's page (/accounts/<id>/tokens/), shown once.",
        }
