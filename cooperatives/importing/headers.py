"""The headers of a list: the template's and their synonyms in provincial files, a header → its
field, its money unit and year (`header_field`, `money_unit`, `header_year`), finding the header
row's columns (`find_columns`), and the year the title rows name (`title_year`)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .text import clean_text, fold, is_blank
from .values import MONEY_FIELDS

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
