"""Reading provincial Excel and CSV lists of organisations, yearly figures and ratings.

Three steps, none of which touches the database:
1. `read_table` (`reading`): bytes → rows of cell values (.xlsx, .xls and .ods through
   python-calamine, .csv in UTF-8 or Windows-1258 with `,` `;` or tab), refusing what is not a
   spreadsheet with a message;
2. `parse`: rows → one `RowRecord` per data row and every `RowError` (row, column, reason), finding
   the header under title rows, skipping blank rows, a column-numbering row, totals and footers;
3. `plan`: records + what the registry holds (`Registry`) → what will be created, updated or left
   unchanged, matched by registration code, with the errors only the registry can tell (a commune
   outside the province, another province's organisation).
`cooperatives.services.registry_import` loads the registry, runs them and writes in one transaction.
"""

import datetime
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models.base import ModelState
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from coop_tracker.lib.exports import append_row
from cooperatives.models import TRAINED_OFFICERS_MESSAGE, Organisation, Rating, YearlyFigures

from .places import CommuneRef, Places, Reading  # noqa: F401  (imported from here too)
from .reading import (  # noqa: F401  (the names callers import from cooperatives.importing)
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    Table,
    read_table,
)
from .text import clean_text, fold, is_blank  # noqa: F401  (imported from here too)

PROGRESS_EVERY = 1000

# Fields of the template, in its column order, with their Vietnamese headers.
TEMPLATE_HEADERS = {
    "registration_code": "Mã số đăng ký",
    "name": "Tên tổ chức",
    "kind": "Loại hình",
    "sector": "Lĩnh vực",
    "commune_code": "Mã xã/phường",
    "commune_name": "Xã/phường",
    "address": "Địa chỉ",
    "legal_representative": "Người đại diện theo pháp luật",
    "founded_on": "Ngày thành lập",
    "registered_on": "Ngày đăng ký",
    "status": "Tình trạng",
    "status_since": "Tình trạng từ ngày",
    "dissolved_on": "Ngày chấm dứt hoạt động",
    "alliance_joined_on": "Ngày gia nhập Liên minh HTX tỉnh",
    "year": "Năm số liệu",
    "members": "Số thành viên",
    "workers": "Số lao động thường xuyên",
    "charter_capital": "Vốn điều lệ (đồng)",
    "revenue": "Doanh thu (đồng)",
    "profit": "Lợi nhuận (đồng)",
    "average_income": "Thu nhập bình quân (đồng/người/năm)",
    "linked_with_enterprise": "Liên kết với doanh nghiệp",
    "high_technology": "Ứng dụng công nghệ cao",
    "ocop_products": "Số sản phẩm OCOP",
    "ocop_max_stars": "Hạng sao OCOP cao nhất",
    "key_officers": "Số cán bộ chủ chốt",
    "key_officers_trained": "Số cán bộ chủ chốt đã được tập huấn",
    "scheme": "Văn bản đánh giá",
    "self_score": "Điểm tự chấm",
    "verified_score": "Điểm thẩm định",
    "level": "Xếp loại",
}

# Fields the template has no column for, read from the lists provinces keep.
OTHER_HEADERS = {"district": "Quận/huyện"}

# Other headers seen in provincial files, folded (see `fold`): lower case, no accents, words only.
SYNONYMS = {
    "row_number": ["stt", "tt", "so tt", "so thu tu"],
    "registration_code": [
        "ma so",
        "ma so htx",
        "ma so thue",
        "mst",
        "ma so doanh nghiep",
        "ma htx",
        "so dang ky",
        "ma so dang ky htx",
        "ma so dang ky kinh doanh",
        "ma so dkkd",
        "ma so dkhtx",
    ],
    "name": ["ten", "ten htx", "ten hop tac xa", "ten don vi", "ten to chuc kinh te hop tac", "ten htx tht"],
    "kind": ["loai", "loai hinh to chuc", "loai hinh kinh te tap the", "loai to chuc"],
    "sector": ["linh vuc hoat dong", "linh vuc chinh", "nganh", "nganh nghe chinh", "linh vuc nganh nghe"],
    "commune_code": ["ma xa", "ma phuong xa", "ma don vi hanh chinh", "ma dvhc", "ma xa phuong dac khu"],
    "commune_name": ["xa", "phuong xa", "ten xa", "ten xa phuong", "xa phuong dac khu", "dia ban xa"],
    "district": [
        "huyen",
        "ten huyen",
        "quan huyen",
        "huyen thi xa",
        "huyen thanh pho",
        "huyen thi xa thanh pho",
        "quan huyen thi xa",
        "quan huyen thi xa thanh pho",
        "dia ban huyen",
        "don vi cap huyen",
    ],
    "address": ["dia chi tru so", "dia chi tru so chinh", "tru so"],
    "legal_representative": ["nguoi dai dien", "dai dien phap luat", "giam doc", "ho ten giam doc"],
    "founded_on": ["thanh lap", "ngay thanh lap htx", "ngay thanh lap to chuc", "nam thanh lap", "thoi gian thanh lap"],
    "registered_on": ["ngay cap", "ngay cap dang ky", "ngay dang ky lan dau", "ngay cap giay chung nhan"],
    "status": ["tinh trang hoat dong", "trang thai", "trang thai hoat dong"],
    "status_since": ["ngay tam ngung", "tu ngay", "ngay chuyen tinh trang"],
    "dissolved_on": ["ngay giai the", "ngay cham dut", "ngay ngung hoat dong"],
    "alliance_joined_on": ["ngay gia nhap lien minh", "ngay gia nhap lien minh htx", "ngay ket nap"],
    "year": ["nam", "nam bao cao", "nam danh gia", "nam so lieu bao cao"],
    "members": ["thanh vien", "so tv", "tong so thanh vien"],
    "workers": ["lao dong", "so lao dong", "lao dong thuong xuyen", "so lao dong thuong xuyen"],
    "charter_capital": ["von dieu le"],
    "revenue": ["doanh thu"],
    "profit": ["loi nhuan", "lai lo", "loi nhuan truoc thue", "loi nhuan sau thue"],
    "average_income": ["thu nhap binh quan", "thu nhap binh quan thanh vien", "thu nhap binh quan nguoi lao dong"],
    "linked_with_enterprise": ["lien ket doanh nghiep", "co lien ket doanh nghiep", "lien ket chuoi gia tri"],
    "high_technology": ["cong nghe cao", "ung dung cnc", "ung dung cong nghe cao cnc"],
    "ocop_products": ["san pham ocop", "so sp ocop", "ocop"],
    "ocop_max_stars": ["hang sao ocop", "so sao ocop", "sao ocop"],
    "key_officers": ["can bo chu chot", "so can bo quan ly", "can bo quan ly"],
    "key_officers_trained": ["can bo chu chot duoc tap huan", "so can bo duoc dao tao", "can bo da tap huan"],
    "scheme": ["thong tu danh gia", "tieu chi danh gia", "van ban"],
    "self_score": ["diem tu danh gia", "tu cham diem", "diem tu cham diem"],
    "verified_score": ["diem", "diem danh gia", "diem xep loai", "diem tham dinh xep loai"],
    "level": ["ket qua xep loai", "muc xep loai", "phan loai", "xep loai htx", "danh gia xep loai"],
}

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
# The units a money header states in brackets, matched on its folded words: "(Triệu đ)", "(tr.đ)",
# "(trđ)", "(Tỷ đồng)", "(1.000 đ)", "(nghìn đồng)".
MONEY_UNITS = [
    (re.compile(r"\b(trieu|tr|trd)\b"), 10**6),
    (re.compile(r"\b(ty|ti)\b"), 10**9),
    (re.compile(r"\b(nghin|ngan|1 ?000)\b"), 10**3),
]
# What else those brackets may say: the currency, per whom, per year ("đồng/người/năm").
UNIT_WORDS = re.compile(r"\b(dong|d|vnd|nguoi|ng|lao dong|ld|thanh vien|tv|nam)\b")
PER_MONTH = re.compile(r"\bthang\b")
# The money the registry keeps per year (YearlyFigures.average_income is "đồng/người/năm"): a header
# per month is multiplied by 12. Capital, revenue and profit have no period to convert.
PER_YEAR_FIELDS = ("average_income",)


# Values -----------------------------------------------------------------------------------

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


# Parsing rows -----------------------------------------------------------------------------


@dataclass
class RowError:
    row: int | None  # None: the file as a whole
    column: str
    message: str
    # A question rather than a mistake: the communes the row may mean (an old commune split across
    # several, a name several share), for staff to choose one (`plan`'s choices).
    candidates: list[CommuneRef] | None = None
    rows: int = 1  # the rows an error grouped by cause stands for (grouped_errors)

    def as_list(self):
        return [self.row, self.column, self.message]


# Errors sharing a cause in one column, on at least this many rows, are reported once for all of them:
# a column misread (a commune list of another province, a unit left out) is one thing to fix.
GROUPED_FROM = 5
QUOTED = re.compile(r"“[^”]*”")


def grouped_errors(errors: list[RowError]) -> list[RowError]:
    """`errors`, those of one cause in one column on GROUPED_FROM rows or more said once, at the first
    of them ("Không có xã/phường “…” trong Tỉnh Phú Thọ — 55 dòng: 9–68"); the cause is the message
    with its quoted values left out, so "“abc” không phải là số" on many rows is one cause."""
    causes: dict[tuple[str, str], list[RowError]] = {}
    for error in errors:
        if error.row is not None and not error.candidates:  # each question is answered on its own row
            causes.setdefault((str(error.column), QUOTED.sub("“…”", str(error.message))), []).append(error)
    grouped, result = {}, []
    for (column, cause), same in causes.items():
        if len(same) >= GROUPED_FROM:
            rows = _ranges([error.row for error in same])
            message = _("%(cause)s — %(count)s dòng: %(rows)s") % {"cause": cause, "count": len(same), "rows": rows}
            grouped.update({id(error): None for error in same})
            grouped[id(same[0])] = RowError(same[0].row, column, message, rows=len(same))
    for error in errors:
        if id(error) not in grouped:
            result.append(error)
        elif grouped[id(error)] is not None:
            result.append(grouped[id(error)])
    return result


def _ranges(rows: list[int]) -> str:
    """9, 10, 11, 12, 20 → "9–12, 20"."""
    spans: list[list[int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(f"{low}–{high}" if high > low else str(low) for low, high in spans)


@dataclass
class Column:
    index: int
    field: str
    header: str
    unit: int = 1  # đồng a number in a money column stands for
    period: int = 1  # 12: the header gives a month's money for a yearly field
    year: int | None = None  # the header names the year of its figures: "Doanh thu năm 2025"
    error: str | None = None  # the header cannot be read: its cells are not either

    @property
    def label(self) -> str:
        return f"{get_column_letter(self.index + 1)} ({self.header})"


@dataclass
class RowRecord:
    row: int
    values: dict  # field -> parsed value, only for cells that were filled in
    columns: dict[str, Column]
    failed: set[str] = field(default_factory=set)  # fields whose cell could not be read (already an error)

    @property
    def code(self) -> str:
        return self.values["registration_code"]

    def label(self, name: str) -> str:
        column = self.columns.get(name)
        return column.label if column else TEMPLATE_HEADERS.get(name) or OTHER_HEADERS.get(name, name)


@dataclass
class ParsedFile:
    records: list[RowRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: dict[str, Column] = field(default_factory=dict)
    rows_read: int = 0
    year: int | None = None  # the figures' year when no row or header says it: the title's, or the staff's
    header_row: int = 0

    def valid_rows(self, errors: list[RowError]) -> "ParsedFile | None":
        """The file without the rows `errors` name, to import the valid rows only; None when an
        error is the file's or a column's (a column not read would be left out of every row)."""
        if any(error.row is None or error.row <= self.header_row for error in errors):
            return None
        rejected = {error.row for error in errors}
        records = [record for record in self.records if record.row not in rejected]
        return ParsedFile(records, [], self.notes, self.columns, self.rows_read, self.year, self.header_row)


HEADER_LOOKUP = {fold(header): name for name, header in TEMPLATE_HEADERS.items()}
HEADER_LOOKUP.update({fold(header.split("(")[0]): name for name, header in TEMPLATE_HEADERS.items()})
HEADER_LOOKUP.update({fold(header): name for name, header in OTHER_HEADERS.items()})
HEADER_LOOKUP.update({synonym: name for name, synonyms in SYNONYMS.items() for synonym in synonyms})


# What a header says in brackets; [^()] rather than .*?, which ran on to the end of a long header
# from each "(" left open, in time quadratic in its length.
BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")


# A year in a header ("Doanh thu năm 2025", "Xếp loại năm 2025") and a unit after a comma or a dash
# ("Doanh thu, triệu đồng"), both on folded text.
HEADER_YEAR = re.compile(r"\bnam (\d{4})\b")
TRAILING_UNIT = re.compile(r"^(.*\S)\s*(?:,|\s-\s|:)\s*([^,:()]*(?:dong|đồng|đ|vnd|vnđ)\s*)$", re.IGNORECASE)


def header_year(text) -> int | None:
    if not isinstance(text, str):
        return None
    found = HEADER_YEAR.search(fold(text))
    return int(found.group(1)) if found and 1990 <= int(found.group(1)) <= 2100 else None


def normal_header(text) -> str:
    """The header without its year, with a trailing unit put in brackets: "Doanh thu năm 2025, triệu
    đồng" → "Doanh thu (triệu đồng)"."""
    if not isinstance(text, str):
        return text
    text = re.sub(r"\b[Nn][ăĂaA][mM]\s+\d{4}\b", " ", text)
    if "(" not in text and "[" not in text and (found := TRAILING_UNIT.match(clean_text(text))):
        text = f"{found.group(1)} ({found.group(2)})"
    return clean_text(text)


def header_field(text) -> str | None:
    """Which field a header names: "Doanh thu (triệu đồng)" → revenue."""
    if is_blank(text) or not isinstance(text, str):
        return None
    text = normal_header(text)
    bare = fold(BRACKETS.sub(" ", text).replace("*", " "))
    return HEADER_LOOKUP.get(fold(text)) or HEADER_LOOKUP.get(bare)


def money_unit(name: str, text: str) -> tuple[int, int]:
    """The unit and period a money header states in brackets: "Thu nhập (triệu đồng/người/tháng)" → 10⁶, 12.
    Raises ValueError for words it cannot read: a unit guessed wrong would be a thousandfold error."""
    units, period = [], 1
    for inside in (round_ or square for round_, square in BRACKETS.findall(text)):
        words = fold(inside)
        for pattern, factor in MONEY_UNITS:
            if pattern.search(words):
                units.append(factor)
                words = pattern.sub(" ", words)
        if name in PER_YEAR_FIELDS and PER_MONTH.search(words):
            period, words = 12, PER_MONTH.sub(" ", words)
        if len(units) > 1 or re.search(r"[a-z]", UNIT_WORDS.sub(" ", words)):  # "(USD)", "(triệu tỷ)"
            raise ValueError(
                _("Không hiểu đơn vị “%(unit)s”: hãy ghi (đồng), (nghìn đồng), (triệu đồng) hoặc (tỷ đồng).")
                % {"unit": clean_text(inside)[:40]}
            )
    return (units[0] if units else 1), period


def find_columns(values: Sequence, mapping: dict[str, str] | None = None) -> dict[str, Column] | None:
    """The columns of a header row, or None if the row is not the header (no registration code column).
    `mapping`: fields staff chose for headers (folded header → field; "" leaves the column out)."""
    columns = {}
    mapping = mapping or {}
    for index, value in enumerate(values):
        chosen = None
        if isinstance(value, str):  # as the header is written, else without its year (see mapping.mapping_key)
            chosen = mapping.get(fold(value), mapping.get(fold(normal_header(value))))
        name = header_field(value) if chosen is None else chosen or None
        if name and name not in columns:
            column = columns[name] = Column(index, name, clean_text(value), year=header_year(value))
            if name in MONEY_FIELDS:
                try:
                    column.unit, column.period = money_unit(name, normal_header(value))
                except ValueError as error:
                    column.error = str(error)
    years = {column.year for column in columns.values() if column.year}
    if len(years) > 1:
        for column in columns.values():
            if column.year and column.year != min(years):
                column.error = _(
                    "Các cột ghi những năm khác nhau (%(years)s): mỗi lần nhập số liệu của một năm, "
                    "hãy tách thành nhiều tệp."
                ) % {"years": ", ".join(str(year) for year in sorted(years))}
    if "registration_code" in columns and len(columns) >= 3:
        return columns
    return None


NUMBERING_CELL = re.compile(r"^\(?[0-9A-Za-z]{1,2}\)?$")


def _is_numbering_row(values: Sequence) -> bool:
    """The row of column numbers "(1) (2) (3)…" that official forms print under the header."""
    filled = [value for value in values if not is_blank(value)]
    return len(filled) >= 3 and all(NUMBERING_CELL.match(clean_text(value)) for value in filled)


def _is_total_row(values: Sequence) -> bool:
    """A "Tổng cộng" row: its first words say so (a name such as "Cộng đồng Xanh" does not)."""
    texts = [fold(value) for value in values if isinstance(value, str) and not is_blank(value)]
    return bool(texts) and (texts[0] in {"tong", "cong"} or texts[0].startswith(("tong cong", "tong so", "total")))


def parse(
    table: Table,
    on_progress: Callable[[int], None] | None = None,
    *,
    year: int | None = None,
    mapping: dict[str, str] | None = None,
) -> ParsedFile:
    """Find the header and turn every data row into a record or errors. Raises ImportFileError.

    The figures' year: a row's "Năm" cell, else the year its columns' headers name ("Doanh thu năm
    2025"), else the year of the title rows ("NĂM 2025", "đến 31/12/2022"), else `year` (the staff's)."""
    parsed = ParsedFile()
    rows = iter(table.rows)
    try:
        number, columns, title_year = _header(rows, {fold(header): name for header, name in (mapping or {}).items()})
        parsed.columns, parsed.header_row = columns, number
        parsed.year = title_year or year
        if title_year and "year" not in columns and not any(column.year for column in columns.values()):
            parsed.notes.append(_("Năm số liệu lấy từ dòng tiêu đề: %(year)s.") % {"year": title_year})
        parsed.errors += [RowError(number, column.label, column.error) for column in columns.values() if column.error]
        _data_rows(rows, columns, parsed, on_progress)
    finally:
        table.close()
    if not parsed.records and not parsed.errors:
        raise ImportFileError(_("Không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return parsed


# A year in the title rows: "DANH SÁCH HTX NĂM 2025" (folded), else a date, "Số liệu đến 31/12/2022".
TITLE_YEAR = re.compile(r"\bnam (\d{4})\b")
TITLE_DATE = re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(\d{4})\b")


def title_year(titles: list[str]) -> int | None:
    """The one year the title rows name, or None (none, or several: "giai đoạn 2021–2025" is no year)."""
    for pattern, text in ((TITLE_YEAR, fold), (TITLE_DATE, clean_text)):
        years = {int(found.group(1)) for title in titles for found in pattern.finditer(text(title))}
        years = {year for year in years if 1990 <= year <= 2100}
        if years:
            return years.pop() if len(years) == 1 else None
    return None


def _header(rows: Iterator, mapping: dict[str, str]) -> tuple[int, dict[str, Column], int | None]:
    searched, titles = 0, []
    for number, values in rows:
        if number == 0:  # next sheet
            searched, titles = 0, []
            continue
        searched += 1
        if searched <= HEADER_SEARCH_ROWS and (columns := find_columns(values, mapping)):
            return number, columns, title_year(titles)
        if searched <= HEADER_SEARCH_ROWS:
            titles += [value for value in values if isinstance(value, str)]
    raise ImportFileError(
        _(
            "Không tìm thấy dòng tiêu đề: cần một dòng (trong %(rows)s dòng đầu) có cột “Mã số đăng ký” và "
            "các cột khác như trong tệp mẫu."
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )


def _data_rows(rows: Iterator, columns: dict[str, Column], parsed: ParsedFile, on_progress) -> None:
    codeless = []  # rows without a code: errors if data follows, a footer (totals, signatures) if not
    first = True
    memo = {}
    readable = [(name, column) for name, column in columns.items() if name in PARSERS and not column.error]
    for number, values in rows:
        if number == 0:
            break  # the end of the sheet holding the header
        parsed.rows_read += 1
        if on_progress and parsed.rows_read % PROGRESS_EVERY == 0:
            on_progress(parsed.rows_read)
        if parsed.rows_read > MAX_ROWS:
            raise ImportFileError(_("Tệp có hơn %(rows)s dòng: hãy chia thành nhiều tệp.") % {"rows": MAX_ROWS})
        if first and _is_numbering_row(values):
            first = False
            continue
        record, errors = _record(number, values, columns, readable, memo, parsed.year)
        if not record.values and not record.failed:
            continue  # blank in every column read (a numbered but empty row of a form counts as blank)
        first = False
        code_error = "registration_code" in record.failed
        code = record.values.get("registration_code")
        if not code and (_is_total_row(values) or (code_error and not _has_data(record))):
            codeless.append((number, values, errors))  # "Tổng cộng", "Người lập biểu": a footer, if last
            continue
        if not code and not code_error:
            if _looks_like_an_organisation(record):
                parsed.errors.append(_codeless_error(number, values, columns))
            else:
                codeless.append((number, values, []))
            continue
        for row, row_values, row_errors in codeless:
            parsed.errors += row_errors or [_codeless_error(row, row_values, columns)]
        codeless = []
        parsed.errors += errors
        if not code_error:
            parsed.records.append(record)  # planned even with errors, so that the plan's own errors show too
    if codeless:
        rows_left = ", ".join(str(row) for row, _values, _errors in codeless[:10])
        parsed.notes.append(
            _("Bỏ qua %(count)s dòng cuối không có mã số đăng ký (dòng tổng cộng, ghi chú, chữ ký): %(rows)s.")
            % {"count": len(codeless), "rows": rows_left + ("…" if len(codeless) > 10 else "")}
        )


def _cell(column: Column, raw, memo: dict):
    """(value, None) or (None, the reason it cannot be read); remembered, as files repeat their values."""
    key = (column.field, type(raw), raw)
    try:
        return memo[key]
    except KeyError:
        pass
    except TypeError:  # not hashable: read it every time
        key = None
    try:
        if column.field in MONEY_FIELDS:
            found = PARSERS[column.field](raw, column.unit, column.period), None
        else:
            found = PARSERS[column.field](raw), None
    except (ValueError, ArithmeticError, InvalidOperation) as error:
        message = str(error) if isinstance(error, ValueError) and error.args else _("giá trị không hợp lệ")
        found = None, message[:1].upper() + message[1:] + "."
    if key is not None and len(memo) < 200_000:
        memo[key] = found
    return found


def _looks_like_an_organisation(record: RowRecord) -> bool:
    """A row without a code that names an organisation is an error even at the bottom: never drop one silently."""
    described = {"name", "kind", "sector", "commune_code", "commune_name", "founded_on"}
    return len(described & (set(record.values) | record.failed)) >= 2


# Cells a footer's words can be read into: the signer's name under "Tên tổ chức", the place and date.
FREE_TEXT_FIELDS = {"name", "address", "legal_representative", "commune_name"}


def _has_data(record: RowRecord) -> bool:
    """A row whose code cell holds words is a footer unless some cell reads as an organisation's data."""
    return bool(set(record.values) - FREE_TEXT_FIELDS)


def _codeless_error(row, values, columns) -> RowError:
    column = columns["registration_code"]
    if _is_total_row(values):
        return RowError(row, column.label, _("Dòng tổng cộng ở giữa danh sách: hãy xoá hoặc chuyển xuống cuối."))
    return RowError(row, column.label, _("Thiếu mã số đăng ký: mỗi dòng phải có mã số để đối chiếu."))


def _record(
    number: int, values: Sequence, columns, readable, memo: dict, year=None
) -> tuple[RowRecord, list[RowError]]:
    record = RowRecord(number, {}, columns)
    errors = []
    width = len(values)
    for name, column in readable:
        raw = values[column.index] if column.index < width else None
        if raw is None or (raw.__class__ is str and is_blank(raw)):
            continue
        value, message = _cell(column, raw, memo)
        if message is None:
            record.values[name] = value
            if name == "founded_on":
                record.values["founded_year_only"] = year_alone(raw) is not None
        else:
            errors.append(RowError(number, column.label, message))
            record.failed.add(name)
    touched = (set(record.values) | record.failed) & {*FIGURE_FIELDS, *RATING_FIELDS, "scheme"}
    if touched and "year" not in record.values and "year" not in record.failed:
        years = {columns[name].year for name in touched} - {None}
        year = years.pop() if years else year  # more than one is a header error already
        if year:
            record.values["year"] = year
    if touched and "year" not in record.values and "year" not in record.failed:
        errors.append(RowError(number, record.label("year"), _("Thiếu năm của số liệu hoặc xếp loại.")))
    return record, errors


# Planning against the registry --------------------------------------------------------------


@dataclass
class Registry:
    """What the database holds that a file is checked against; loaded by the service in a few queries."""

    province: object  # AdminUnit: the current province the import writes into
    places: Places  # its communes on both maps, and every commune of today's map by code
    organisations: dict[str, Organisation]  # by registration code, wherever they are
    figures: dict[tuple[int, int], YearlyFigures]
    ratings: dict[tuple[int, int, str], Rating]
    # (year, commune id) -> the locked reporting round holding that commune's rows of the year
    locked: dict[tuple[int, int], object] = field(default_factory=dict)


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@functools.cache
def _defaults(model) -> dict:
    return {field.attname: field.get_default() for field in model._meta.concrete_fields}


def new_instance(model, of=None, **values):
    """An unsaved row for bulk_create, made without Model.__init__: its pre_init/post_init signals and
    per-field work took a fifth of a 35,000-row import. Fields take their defaults (none is callable
    or mutable in the models imported), then `values`. `of` is the organisation a yearly row belongs
    to, which may not be saved yet: the writer sets `organisation_id` from it once it is."""
    instance = model.__new__(model)
    instance.__dict__.update(_defaults(model))
    instance._state = ModelState()
    instance.imported_for = of
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


@dataclass
class Counts:
    create: int = 0
    update: int = 0
    unchanged: int = 0

    def add(self, action: str | None):
        if action:
            setattr(self, action, getattr(self, action) + 1)

    def as_dict(self):
        return {CREATE: self.create, UPDATE: self.update, UNCHANGED: self.unchanged}


@dataclass
class Plan:
    """What committing the file would write. Rows of `create` lists are unsaved model instances."""

    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, Counts] = field(
        default_factory=lambda: {"organisations": Counts(), "figures": Counts(), "ratings": Counts()}
    )
    rows: list[list] = field(default_factory=list)  # [row, code, name, org action, figures action, rating action]
    create: dict[str, list] = field(default_factory=lambda: {"organisations": [], "figures": [], "ratings": []})
    update: dict[str, list] = field(default_factory=lambda: {"organisations": [], "figures": [], "ratings": []})
    update_fields: dict[str, set] = field(
        default_factory=lambda: {"organisations": set(), "figures": set(), "ratings": set()}
    )
    places: dict[str, set[int]] = field(default_factory=dict)  # kind of row -> communes whose rows change

    def mark(self, what: str, *communes):
        places = self.places.get(what)
        if places is None:
            places = self.places[what] = set()
        places.update(communes)

    def changed_fields(self, what: str) -> frozenset[str] | None:
        """The attnames the updates of one kind of row change, or None when a row is created (all of it
        is new); as cooperatives.signals.registry_changed says it."""
        return None if self.create[what] else frozenset(self.update_fields[what])


def plan(parsed: ParsedFile, registry: Registry, choices: dict[int, int] | None = None) -> Plan:
    """Match records to organisations by registration code and work out every write, or why not.

    `choices`: the commune staff chose (its id) for a row whose place has several candidates
    (an old commune split across several new ones, a name several share): by its row number."""
    result = Plan(errors=list(parsed.errors))
    choices = choices or {}
    organisations: dict[str, tuple[Organisation, str | None, RowRecord]] = {}
    seen_years: dict[tuple, int] = {}
    for record in parsed.records:
        errors_before = len(result.errors)
        organisation, action = _organisation(record, registry, organisations, result, choices.get(record.row))
        row_actions = [action, None, None]
        if organisation is not None and "year" in record.values:
            row_actions[1:] = _yearly(record, organisation, registry, seen_years, result)
        if len(result.errors) == errors_before and not record.failed:
            name = organisation.name if organisation is not None else ""
            result.rows.append([record.row, record.code, name, *row_actions])
    for organisation, action, _first in organisations.values():
        result.counts["organisations"].add(action)
        if action == CREATE:
            result.create["organisations"].append(organisation)
        elif action == UPDATE:
            result.update["organisations"].append(organisation)
    return result


def _organisation(record: RowRecord, registry: Registry, seen: dict, result: Plan, choice: int | None = None):
    """The organisation a row names, with the row's values applied; (None, None) on an error."""
    code = record.code
    if code in seen:
        organisation, action, first = seen[code]
        return _repeat(record, first, organisation, action, result)
    existing = registry.organisations.get(code)
    if existing is not None and existing.province_id != registry.province.pk:
        result.errors.append(
            RowError(
                record.row,
                record.label("registration_code"),
                _("Mã số %(code)s đã đăng ký cho một tổ chức của tỉnh khác: không sửa được từ đây.") % {"code": code},
            )
        )
        return None, None
    errors_before = len(result.errors)
    commune = _commune(record, registry, result, required=existing is None, choice=choice)
    if len(result.errors) > errors_before:
        return None, None
    organisation = existing or new_instance(Organisation, registration_code=code, status=Organisation.Status.ACTIVE)
    before = {name: getattr(organisation, name) for name in (*ORGANISATION_FIELDS, "commune_id")}
    for name in ORGANISATION_FIELDS:
        if name in record.values:
            setattr(organisation, name, record.values[name])
    if commune is not None:
        organisation.commune_id = commune.pk
        organisation.province_id = commune.province_id
    if not _organisation_valid(record, organisation, existing is None, result):
        return None, None
    changed = {name for name, value in before.items() if getattr(organisation, name) != value}
    action = CREATE if existing is None else UPDATE if changed else UNCHANGED
    if action == UPDATE:
        result.update_fields["organisations"].update(changed)
        result.mark("organisations", before["commune_id"], organisation.commune_id)  # a move changes both
    elif action == CREATE:
        result.mark("organisations", organisation.commune_id)
    seen[code] = (organisation, action, record)
    return organisation, action


def _repeat(record, first, organisation, action, result):
    """A second row of the same organisation (another year): its organisation cells, if filled in,
    must say what the first row says (a value only a later row gives would otherwise be lost)."""
    for name in (*ORGANISATION_FIELDS, "commune_code", "commune_name", "district"):
        if name not in record.values or record.values[name] == first.values.get(name):
            continue
        if name in first.values:
            message = _("Khác với dòng %(row)s của cùng mã số %(code)s.")
        else:
            message = _("Ghi thông tin tổ chức ở dòng đầu tiên của mã số %(code)s (dòng %(row)s).")
        result.errors.append(
            RowError(record.row, record.label(name), message % {"row": first.row, "code": record.code})
        )
        return None, None
    return organisation, action


def _commune(
    record: RowRecord, registry: Registry, result: Plan, *, required: bool, choice: int | None = None
) -> CommuneRef | None:
    """The commune of today's map a row names by code, name or address, on either map (see
    `places`); a file with a district column is a list of the old map, whose names it reads first."""
    places, values = registry.places, record.values
    code, name, address = values.get("commune_code"), values.get("commune_name"), values.get("address")
    if {"commune_code", "commune_name", "district"} & record.failed:
        return None  # already an error
    districts, old_first = None, "district" in record.columns
    if values.get("district"):
        districts = places.districts_named(values["district"])
        if not districts:
            message = _("Không có quận/huyện “%(name)s” trong %(province)s (trước 1/7/2025).") % {
                "name": values["district"][:80],
                "province": registry.province.full_name,
            }
            result.errors.append(RowError(record.row, record.label("district"), message))
            return None
    if code:
        reading, column = places.by_code(code, districts, old_first), "commune_code"
    elif name:
        reading, column = places.by_text(name, districts, old_first), "commune_name"
    elif address:
        reading, column = places.by_text(address, districts, old_first), "address"
        if not required and reading.commune is None:
            return None  # the address of a known organisation, not read: its commune stays
    else:
        if required:
            message = _("Thiếu mã xã/phường (bắt buộc khi thêm tổ chức mới).")
            result.errors.append(RowError(record.row, record.label("commune_code"), message))
        return None
    if not (reading.commune or reading.candidates or reading.message):
        reading.message = _not_named(record, column, registry.province)
    return _read_place(record, reading, column, result, choice)


def _read_place(record: RowRecord, reading: Reading, column: str, result: Plan, choice) -> CommuneRef | None:
    if reading.commune is not None:
        return reading.commune
    if reading.candidates:
        chosen = next((commune for commune in reading.candidates if commune.pk == choice), None)
        if chosen is not None:
            return chosen
        result.errors.append(RowError(record.row, record.label(column), reading.message, list(reading.candidates)))
        return None
    result.errors.append(RowError(record.row, record.label(column), reading.message))
    return None


def _not_named(record: RowRecord, column: str, province) -> str:
    text = record.values[column][:80]
    written = {"province": province.full_name, "name": text, "address": text}
    if column == "address":
        return _("Không nhận ra xã/phường nào của %(province)s trong địa chỉ “%(address)s”: hãy ghi mã xã.") % written
    return _("Không có xã/phường “%(name)s” trong %(province)s: hãy kiểm tra tên hoặc ghi mã xã.") % written


def _organisation_valid(record: RowRecord, organisation: Organisation, new: bool, result: Plan) -> bool:
    """The registry's rules (and the database's constraints) said in the staff's language."""
    errors = []
    if new:
        for name in REQUIRED_TO_CREATE:
            if not getattr(organisation, name) and name not in record.failed:
                errors.append((name, _("Thiếu %(what)s (bắt buộc khi thêm tổ chức mới).") % {"what": _what(name)}))
    founded, dissolved = organisation.founded_on, organisation.dissolved_on
    if dissolved and founded and dissolved < founded:
        errors.append(("dissolved_on", _("Ngày chấm dứt hoạt động không thể trước ngày thành lập.")))
    if dissolved and organisation.status not in Organisation.ENDED_STATUSES:
        errors.append(
            ("status", _("Có ngày chấm dứt hoạt động thì tình trạng phải là đã giải thể, phá sản hoặc tổ chức lại."))
        )
    result.errors += [RowError(record.row, record.label(name), message) for name, message in errors]
    return not errors


def _what(name: str) -> str:
    return TEMPLATE_HEADERS[name].lower()


def _yearly(record: RowRecord, organisation: Organisation, registry: Registry, seen: dict, result: Plan):
    """The figures and the rating a row gives for its year: (figures action, rating action)."""
    year = record.values["year"]
    scheme = record.values.get("scheme", Rating.Scheme.TT01_2020)
    actions = [None, None]
    figures_key, rating_key = (record.code, year), (record.code, year, scheme)
    given = set(record.values)
    first = (seen.get(figures_key) if given & set(FIGURE_FIELDS) else None) or (
        seen.get(rating_key) if given & set(RATING_FIELDS) else None
    )
    if first is not None:  # one error for the row, whether its figures, its rating or both repeat
        result.errors.append(_duplicate(record, "year", first, year))
        return actions
    if given & set(FIGURE_FIELDS):
        seen[figures_key] = record.row
        actions[0] = _figures(record, organisation, year, registry, result)
    if given & set(RATING_FIELDS):
        seen[rating_key] = record.row
        actions[1] = _rating(record, organisation, year, scheme, registry, result)
    return actions


def _duplicate(record, name, first_row, year) -> RowError:
    return RowError(
        record.row,
        record.label(name),
        _("Năm %(year)s của mã số %(code)s đã có ở dòng %(row)s.")
        % {"year": year, "code": record.code, "row": first_row},
    )


def _apply(instance, values: dict, names) -> set[str]:
    changed = set()
    for name in names:
        if name in values and getattr(instance, name) != values[name]:
            setattr(instance, name, values[name])
            changed.add(name)
    return changed


def _figures(record, organisation, year, registry: Registry, result: Plan) -> str | None:
    existing = registry.figures.get((organisation.pk, year)) if organisation.pk else None
    figures = existing or new_instance(YearlyFigures, of=organisation, year=year)
    changed = _apply(figures, record.values, FIGURE_FIELDS)
    for name in ("charter_capital", "revenue"):
        if (getattr(figures, name) or 0) < 0:
            result.errors.append(RowError(record.row, record.label(name), _("Không được là số âm.")))
            return None
    trained, officers = figures.key_officers_trained, figures.key_officers
    if trained is not None and (officers is None or trained > officers):
        result.errors.append(RowError(record.row, record.label("key_officers_trained"), TRAINED_OFFICERS_MESSAGE))
        return None
    if _locked(record, organisation, year, registry, result, existing, changed):
        return None
    return _store(result, "figures", figures, existing, changed, organisation)


def _rating(record, organisation, year, scheme, registry: Registry, result: Plan) -> str | None:
    existing = registry.ratings.get((organisation.pk, year, scheme)) if organisation.pk else None
    rating = existing or new_instance(Rating, of=organisation, year=year, scheme=scheme)
    given_level = record.values.get("level")
    changed = _apply(rating, record.values, ("self_score", "verified_score"))
    if rating.score is not None:
        level = Rating.Level.for_score(rating.score)
        if given_level and given_level != level and not {"self_score", "verified_score"} & record.failed:
            message = _("Xếp loại “%(given)s” không khớp với điểm %(score)s (%(level)s theo TT 01/2020).") % {
                "given": Rating.Level(given_level).label,
                "score": f"{rating.score.normalize():f}".replace(".", ","),
                "level": Rating.Level(level).label,
            }
            result.errors.append(RowError(record.row, record.label("level"), message))
            return None
    else:
        level = given_level or rating.level
    if not level:
        if not set(RATING_FIELDS) & record.failed:
            result.errors.append(RowError(record.row, record.label("level"), _("Nhập điểm hoặc xếp loại.")))
        return None
    if rating.level != level:
        rating.level = level
        changed.add("level")
    if _locked(record, organisation, year, registry, result, existing, changed):
        return None
    return _store(result, "ratings", rating, existing, changed, organisation)


def _locked(record, organisation, year, registry: Registry, result: Plan, existing, changed) -> bool:
    """Whether the row would write into a submitted or accepted reporting round (an error then,
    saying why and who can reopen it); a row left unchanged writes nothing and passes."""
    if existing is not None and not changed:
        return False
    found = registry.locked.get((year, organisation.commune_id))
    if found is None:
        return False
    result.errors.append(RowError(record.row, record.label("year"), found.locked_message()))
    return True


def _store(result: Plan, what: str, instance, existing, changed: set, organisation) -> str:
    action = CREATE if existing is None else UPDATE if changed else UNCHANGED
    result.counts[what].add(action)
    if action == CREATE:
        result.create[what].append(instance)
    elif action == UPDATE:
        result.update[what].append(instance)
        result.update_fields[what].update(changed)
    if action != UNCHANGED:
        result.mark(what, organisation.commune_id)
    return action


# The template ------------------------------------------------------------------------------

TEMPLATE_HELP = {
    "registration_code": gettext_lazy(
        "Bắt buộc. Mã số HTX/LH HTX (mã số thuế 10 số); dùng để đối chiếu: có rồi thì cập nhật."
    ),
    "name": gettext_lazy("Bắt buộc khi thêm mới."),
    "kind": gettext_lazy("HTX, THT hoặc LH HTX. Bắt buộc khi thêm mới."),
    "sector": gettext_lazy(
        "Nông nghiệp (trồng trọt, chăn nuôi, thủy sản…), CN-TTCN, Xây dựng, TM-DV, Vận tải, QTDND, "
        "Môi trường, Khác. Bắt buộc khi thêm mới."
    ),
    "commune_code": gettext_lazy(
        "Mã 5 số của xã/phường theo danh mục 34 tỉnh (trang “Mã xã”). Bắt buộc khi thêm mới "
        "(hoặc ghi tên xã ở cột sau)."
    ),
    "commune_name": gettext_lazy("Tên xã/phường trong tỉnh, nếu không ghi mã."),
    "founded_on": gettext_lazy("dd/mm/yyyy. Bắt buộc khi thêm mới."),
    "status": gettext_lazy(
        "Đang hoạt động, Tạm ngừng, Ngừng hoạt động, Đang giải thể, Đã giải thể, Phá sản, Tổ chức lại."
    ),
    "year": gettext_lazy("Năm của số liệu và xếp loại ở các cột sau; một dòng cho mỗi năm."),
    "charter_capital": gettext_lazy("Đồng; ghi “(triệu đồng)” trong tiêu đề nếu số là triệu đồng."),
    "linked_with_enterprise": gettext_lazy("Có/Không."),
    "high_technology": gettext_lazy("Có/Không."),
    "scheme": gettext_lazy("TT 01/2020 (mặc định) hoặc TT 09/2017."),
    "verified_score": gettext_lazy(
        "0–100; điểm quyết định xếp loại (Tốt ≥ 80, Khá 65–<80, Trung bình 50–<65, Yếu < 50)."
    ),
    "level": gettext_lazy("Tốt, Khá, Trung bình (TB), Yếu, Chưa xếp loại; không cần nếu có điểm."),
}


def template_xlsx(communes: Iterable[tuple[str, str]]) -> bytes:
    """The downloadable template: the list with its Vietnamese headers, a guide, and the commune codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    append_row(sheet, TEMPLATE_HEADERS.values())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 2)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Hướng dẫn")
    append_row(guide, ["Cột", "Cách ghi"])
    for name, header in TEMPLATE_HEADERS.items():
        append_row(guide, [header, str(TEMPLATE_HELP.get(name, ""))])
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 36, 100
    places = book.create_sheet("Mã xã")
    append_row(places, ["Mã xã/phường", "Xã/phường", "Tỉnh/thành phố"])
    for row in communes:
        append_row(places, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
