"""Request bodies: JSON whose numbers with a fraction are read as exact decimals (scores, amounts
in đồng), as the forms read typed numbers; NaN and Infinity are refused."""

import json
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

MAX_BODY_BYTES = 16 * 1024 * 1024  # a bulk of 20,000 yearly figures with every field is about 6 MB


def _refuse_constant(name):
    raise ValueError(name)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        body = stream.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise exceptions.ParseError(_("Nội dung yêu cầu quá lớn (tối đa 16 MB)."))
        try:
            return json.loads(body.decode(encoding), parse_float=Decimal, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(_("JSON không hợp lệ: %(error)s") % {"error": error}) from None
