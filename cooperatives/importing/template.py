"""The downloadable template (`template_xlsx`): the list's headers, a guide, the commune codes."""

import io
from collections.abc import Iterable

from django.utils.translation import gettext_lazy

from coop_tracker.lib.exports import append_row

from .headers import TEMPLATE_HEADERS

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
