"""The vocabularies and value parsers: a cell's value → the field's (numbers, money, dates,
yes/no, the words provinces write for kinds, sectors, statuses and levels), with the fields of
each model the import writes. `PARSERS` holds one parser per field."""

import datetime
import functools
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from cooperatives.models import Organisation, Rating, YearlyFigures

from .text import clean_text, fold

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "sector",
    "address",
    "legal_representative",
    "founded_on",
    "founded_year_only",
    "registered_on",
    "status",
    "status_since",
    "dissolved_on",
    "alliance_joined_on",
)
REQUIRED_TO_CREATE = ("name", "kind", "sector", "founded_on")
FIGURE_FIELDS = (
    "members",
    "workers",
    "charter_capital",
    "revenue",
    "profit",
    "average_income",
    "linked_with_enterprise",
    "high_technology",
    "ocop_products",
    "ocop_max_stars",
    "key_officers",
    "key_officers_trained",
)
RATING_FIELDS = ("self_score", "verified_score", "level")
TEXT_LIMITS = {
    name: Organisation._meta.get_field(name).max_length for name in ("name", "address", "legal_representative")
}
MONEY_FIELDS = ("charter_capital", "revenue", "profit", "average_income")
# Whole đồng each money column holds: beyond it PostgreSQL refuses the whole import.
MONEY_DIGITS = {
    name: YearlyFigures._meta.get_field(name).max_digits - YearlyFigures._meta.get_field(name).decimal_places
    for name in MONEY_FIELDS
}


THOUSANDS_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
THOUSANDS_COMMAS = re.compile(r"^\d{1,3}(,\d{3}){2,}$")


def parse_number(value) -> Decimal:
    """A number as Vietnamese files write it: 1.234.567, 1.234,5, 72,5, 1 234 567, (1.234) or an Excel number."""
    if isinstance(value, bool):
        raise ValueError(_("không phải là số"))
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(_("không phải là số"))
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = re.sub(r"\s|đồng|đ|vnđ|vnd", "", clean_text(value), flags=re.IGNORECASE)
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("()").lstrip("-+")
    if "." in text and "," in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif THOUSANDS_DOTS.match(text):
        text = text.replace(".", "")
    elif THOUSANDS_COMMAS.match(text):
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", text):
        raise ValueError(_("“%(value)s” không phải là số") % {"value": clean_text(value)[:40]})
    number = Decimal(text)
    return -number if negative else number


def parse_whole(value, *, low=0, high=2_000_000_000) -> int:
    number = parse_number(value)
    if number != number.to_integral_value():
        raise ValueError(_("phải là số nguyên"))
    if number < 0 <= low:
        raise ValueError(_("không được là số âm"))
    if not low <= number <= high:
        raise ValueError(_("phải từ %(low)s đến %(high)s") % {"low": low, "high": high})
    return int(number)


def parse_money(value, unit=1, period=1, *, digits=18) -> Decimal:
    """Đồng from a cell in `unit` đồng (10⁶: triệu đồng) for `period` (12: a month, when the field is yearly)."""
    number = parse_number(value)
    if isinstance(value, float):  # a formula's binary noise, 1650000.0000000002, is not a fraction of a đồng
        number = number.quantize(Decimal("0.000001"))
    if unit == 1 and number != number.to_integral_value():
        raise ValueError(
            _("số đồng không có phần lẻ: nếu số tính bằng triệu đồng, hãy ghi “(triệu đồng)” trong tiêu đề cột")
        )
    number = (number * unit * period).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if abs(number) >= 10**digits:
        raise ValueError(_("số quá lớn: tối đa %(digits)s chữ số khi tính bằng đồng") % {"digits": digits})
    return number


def parse_score(value) -> Decimal:
    number = parse_number(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not 0 <= number <= 100:
        raise ValueError(_("điểm phải từ 0 đến 100"))
    return number


EXCEL_EPOCH = datetime.date(1899, 12, 30)
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s.*)?$")
YEAR_MONTH_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def parse_date(value) -> datetime.date:
    """dd/mm/yyyy (also with - or .), yyyy-mm-dd, an Excel date or an Excel day number."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 80000:
        day = EXCEL_EPOCH + datetime.timedelta(days=int(value))
    else:
        day = _date_from_text(clean_text(value))
    if not 1900 <= day.year <= 2100:
        raise ValueError(_("năm của ngày phải từ 1900 đến 2100"))
    return day


def _date_from_text(text: str) -> datetime.date:
    invalid = ValueError(_("“%(value)s” không phải là ngày dd/mm/yyyy") % {"value": text[:40]})
    if found := DAY_MONTH_YEAR.match(text):
        day, month, year = (int(part) for part in found.groups())
        year += 2000 if year < 50 else 1900 if year < 100 else 0
    elif found := YEAR_MONTH_DAY.match(text):
        year, month, day = (int(part) for part in found.groups())
    elif re.fullmatch(r"\d{5}", text):
        return EXCEL_EPOCH + datetime.timedelta(days=int(text))
    else:
        raise invalid
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise invalid from None


YEAR_ALONE = re.compile(r"^(?:nam\s*)?(\d{4})$")


def year_alone(value) -> int | None:
    """The year when a date cell gives only that: 2015 (a number, not Excel's day 2015 of 1905),
    "2015", "Năm 2015"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        # Excel's days 1000–2100 fall in 1902–1905, before any organisation of the registry.
        return int(value) if value == int(value) and 1000 <= value <= 2100 else None
    if isinstance(value, str) and (found := YEAR_ALONE.match(fold(value))):
        return int(found.group(1))
    return None


def parse_founding(value) -> datetime.date:
    """A founding date, or a year alone: stored as 1 January of that year (and flagged, see `_record`)."""
    year = year_alone(value)
    if year is None:
        return parse_date(value)
    if not 1900 <= year <= 2100:
        raise ValueError(_("năm của ngày phải từ 1900 đến 2100"))
    return datetime.date(year, 1, 1)


def parse_year(value) -> int:
    text = fold(value).removeprefix("nam ") if isinstance(value, str) else value
    return parse_whole(text, low=1990, high=2100)


TRUE_WORDS = {"co", "x", "1", "yes", "y", "true", "dung", "v", "co lien ket", "co ung dung"}
FALSE_WORDS = {"khong", "0", "no", "n", "false", "sai", "chua", "k", "ko"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    word = fold(value)
    if word in TRUE_WORDS or value == "✓":
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("ghi “có” hoặc “không”"))


def _choice_parser(words: dict[str, str], what):
    """A parser for a choice written in words: any case, with or without accents, short forms."""

    def parse(value):
        key = fold(value)
        if key in words:
            return words[key]
        raise ValueError(_("không hiểu “%(value)s” (%(what)s)") % {"value": clean_text(value)[:40], "what": what()})

    return parse


def _words(choices, forms: dict[str, list[str]]) -> dict[str, str]:
    """Every stored value under its own name and the ways files write it (folded: any case, any accents).
    The Vietnamese labels are spelled out here rather than read from the choices: those are lazy
    translations, and the file's language does not follow the user's."""
    found = {fold(value): value for value in choices.values}
    for value, written in forms.items():
        found.update({fold(form): value for form in written})
    return found


KIND_WORDS = _words(
    Organisation.Kind,
    {
        "htx": ["HTX", "Hợp tác xã", "hop tac xa", "QTDND", "Quỹ tín dụng nhân dân"],
        "tht": ["THT", "Tổ hợp tác", "to hop tac", "Tổ HT"],
        "lhhtx": ["LH HTX", "LHHTX", "Liên hiệp HTX", "Liên hiệp hợp tác xã", "LH"],
    },
)
SECTOR_WORDS = _words(
    Organisation.Sector,
    {
        "agriculture": [
            "Nông nghiệp",
            "NN",
            "Nông, lâm, ngư nghiệp",
            "Nông lâm ngư nghiệp",
            "Nông lâm thủy sản",
            "Trồng trọt",
            "Chăn nuôi",
            "Lâm nghiệp",
            "Thủy sản",
            "Thuỷ sản",
            "Diêm nghiệp",
            "Nước sạch",
            "Nước sạch nông thôn",
            "Tổng hợp",
            "Dịch vụ nông nghiệp",
            "Dịch vụ NN",
            "Dịch vụ nông nghiệp tổng hợp",
            "Nông nghiệp tổng hợp",
            "Sản xuất nông nghiệp",
            "Nông lâm nghiệp",
            "Nuôi trồng thủy sản",
            "Nuôi trồng thuỷ sản",
            "Khai thác thủy sản",
            "Khai thác thuỷ sản",
            # Domain primer: the agricultural HTX's general services ("tổng hợp") are agriculture.
            "Dịch vụ tổng hợp",
            "DVTH",
            "DV tổng hợp",
        ],
        "industry_handicraft": [
            "Công nghiệp – tiểu thủ công nghiệp",
            "Công nghiệp - TTCN",
            "CN - Tiểu thủ công nghiệp",
            "Công nghiệp",
            "Tiểu thủ công nghiệp",
            "CN-TTCN",
            "CN TTCN",
            "TTCN",
            "Thủ công mỹ nghệ",
            "Làng nghề",
        ],
        "construction": ["Xây dựng", "XD"],
        "trade_services": [
            "Thương mại – dịch vụ",
            "Thương mại",
            "Dịch vụ",
            "TM-DV",
            "TMDV",
            "TM DV",
            "Thương mại dịch vụ",
        ],
        "transport": ["Vận tải", "Giao thông vận tải", "GTVT", "Vận tải hành khách", "VT"],
        "peoples_credit_fund": ["Quỹ tín dụng nhân dân", "QTDND", "QTD", "Tín dụng", "Quỹ tín dụng"],
        "environment_services": [
            "Môi trường",
            "Vệ sinh môi trường",
            "Dịch vụ môi trường",
            "MT",
            "Thu gom rác",
            "Thu gom rác thải",
            "Vệ sinh môi trường, thu gom rác",
        ],
        "other": ["Khác", "Lĩnh vực khác"],
    },
)
STATUS_WORDS = _words(
    Organisation.Status,
    {
        "active": ["Đang hoạt động", "Hoạt động", "HĐ", "Đang HĐ", "Bình thường"],
        "suspended": ["Tạm ngừng", "Tạm ngừng hoạt động", "Tạm dừng", "Tạm dừng hoạt động"],
        "dormant": ["Ngừng hoạt động", "Không hoạt động", "Ngưng hoạt động"],
        "dissolving": ["Đang giải thể", "Đang làm thủ tục giải thể"],
        "dissolved": ["Đã giải thể", "Giải thể"],
        "bankrupt": ["Phá sản"],
        "reorganised": ["Tổ chức lại", "Sáp nhập", "Hợp nhất", "Chia tách"],
    },
)
LEVEL_WORDS = _words(
    Rating.Level,
    {
        "good": ["Tốt", "T", "Loại tốt", "Xếp loại tốt", "A", "Loại A"],
        "fair": ["Khá", "K", "Loại khá", "B", "Loại B"],
        "average": ["Trung bình", "TB", "Trung binh", "Loại trung bình", "C", "Loại C"],
        "weak": ["Yếu", "Y", "Loại yếu", "Kém", "Yếu kém", "D", "Loại D"],
        "unrated": ["Chưa xếp loại", "CXL", "Chưa đánh giá", "Không xếp loại", "Chưa phân loại"],
    },
)
SCHEME_WORDS = _words(
    Rating.Scheme,
    {
        "tt01_2020": ["TT01", "TT 01", "TT 01/2020", "01/2020/TT-BKHĐT", "TT 01/2020/TT-BKHĐT", "Thông tư 01/2020"],
        "tt09_2017": ["TT09", "TT 09", "TT 09/2017", "09/2017/TT-BNNPTNT", "TT 09/2017/TT-BNNPTNT", "Thông tư 09/2017"],
    },
)


# What splits a sector cell into the lines it names: "Trồng trọt, chăn nuôi", "Nông nghiệp (trồng trọt)".
SECTOR_PARTS = re.compile(r"\s*(?:[,;/+&()]|\s-\s|\bvà\b)\s*", re.IGNORECASE)


def parse_sector(value) -> str:
    """A sector in the words and short forms provinces write; a cell naming several lines is read
    when they all fall in one sector ("Trồng trọt, chăn nuôi"), an error when they do not
    ("Nông nghiệp, dịch vụ": which one is for staff to say)."""
    key = fold(value)
    if key in SECTOR_WORDS:
        return SECTOR_WORDS[key]
    parts = [fold(part) for part in SECTOR_PARTS.split(clean_text(value)) if fold(part)]
    found = {SECTOR_WORDS.get(part) for part in parts}
    if len(parts) > 1 and None not in found and len(found) == 1:
        return found.pop()
    if len(found - {None}) > 1:
        raise ValueError(
            _("“%(value)s” thuộc nhiều lĩnh vực: hãy ghi một lĩnh vực chính") % {"value": clean_text(value)[:40]}
        )
    raise ValueError(
        _("không hiểu “%(value)s” (%(what)s)")
        % {"value": clean_text(value)[:40], "what": _("xem các lĩnh vực trong mẫu")}
    )


# Tax codes (0101234567, 0101234567-001) and older registration numbers (12/2015/HTX-B, 27.A.000123):
# digits, perhaps with capitals and . / -. Words in the column (a signature block's "Người lập biểu") are not one.
REGISTRATION_CODE = re.compile(r"[0-9A-Z./-]*[0-9][0-9A-Z./-]*")


# A tax code (10 digits, perhaps -001) into which a letter or two crept, "2509900O07": older
# registration numbers with letters separate them ("12/2015/HTX-B", "27.A.000123").
TAX_CODE_WITH_LETTERS = re.compile(r"(?=(?:[A-Z]?[0-9]){8})[0-9]+(?:[A-Z][0-9]+){1,2}(?:-[0-9]{3})?")


def parse_code(value) -> str:
    """A registration code as text; Excel drops the leading zero of a 10-digit tax code stored as a number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    code = re.sub(r"\s", "", clean_text(value)).upper()
    if re.fullmatch(r"\d{9}", code):
        code = "0" + code
    if TAX_CODE_WITH_LETTERS.fullmatch(code):
        raise ValueError(
            _("“%(value)s” có chữ cái lẫn giữa các chữ số: mã số thuế chỉ gồm chữ số (chữ O thay số 0?)")
            % {"value": clean_text(value)[:40]}
        )
    if len(code) > 20 or not REGISTRATION_CODE.fullmatch(code):
        raise ValueError(
            _("“%(value)s” không phải mã số đăng ký (chữ số, có thể kèm chữ in hoa và . / -, tối đa 20 ký tự)")
            % {"value": clean_text(value)[:40]}
        )
    return code


def parse_commune_code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    code = re.sub(r"\s", "", clean_text(value))
    if not re.fullmatch(r"\d{1,5}", code):
        raise ValueError(_("mã xã/phường là một số có 5 chữ số"))
    return code.zfill(5)


def _text(limit=None):
    def parse(value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = clean_text(value)
        if limit and len(text) > limit:
            raise ValueError(_("dài quá %(limit)s ký tự") % {"limit": limit})
        return text

    return parse


def mappable_fields() -> set[str]:
    """The fields a column can be mapped to."""
    return set(PARSERS) | {"row_number"}


PARSERS: dict[str, Callable] = {
    "registration_code": parse_code,
    "name": _text(TEXT_LIMITS["name"]),
    "kind": _choice_parser(KIND_WORDS, lambda: _("HTX, THT hoặc LH HTX")),
    "sector": parse_sector,
    "commune_code": parse_commune_code,
    "commune_name": _text(100),
    "district": _text(100),
    "address": _text(TEXT_LIMITS["address"]),
    "legal_representative": _text(TEXT_LIMITS["legal_representative"]),
    "founded_on": parse_founding,
    "registered_on": parse_date,
    "status": _choice_parser(STATUS_WORDS, lambda: _("xem các tình trạng trong mẫu")),
    "status_since": parse_date,
    "dissolved_on": parse_date,
    "alliance_joined_on": parse_date,
    "year": parse_year,
    "members": parse_whole,
    "workers": parse_whole,
    "key_officers": parse_whole,
    "key_officers_trained": parse_whole,
    "linked_with_enterprise": parse_bool,
    "high_technology": parse_bool,
    "ocop_products": lambda value: parse_whole(value, high=1000),
    "ocop_max_stars": lambda value: parse_whole(value, low=3, high=5),
    **{name: functools.partial(parse_money, digits=MONEY_DIGITS[name]) for name in MONEY_FIELDS},
    "scheme": _choice_parser(SCHEME_WORDS, lambda: _("TT 01/2020 hoặc TT 09/2017")),
    "self_score": parse_score,
    "verified_score": parse_score,
    "level": _choice_parser(LEVEL_WORDS, lambda: _("Tốt, Khá, Trung bình, Yếu hoặc Chưa xếp loại")),
}
