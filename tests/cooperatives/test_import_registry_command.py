"""`manage.py import_registry FILE --province CODE [--commit]`: the web page's preview on the command line."""

import pytest
from django.core.management import CommandError, call_command

from cooperatives.models import Organisation, YearlyFigures
from tests.factories import commune, xls_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Mã số thuế", "Tên HTX", "Loại hình", "Lĩnh vực", "Mã xã", "Ngày thành lập", "Năm", "Số thành viên"]


def write(tmp_path, rows, name="ds.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes([HEADER, *rows]))
    return path


def run(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("import_registry", *map(str, args), stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_it_prints_the_preview_and_writes_nothing_without_commit(tmp_path):
    place = commune("24")
    path = write(tmp_path, [[1, "2409990101", "HTX Lệnh", "HTX", "NN", place.code, "01/02/2022", 2024, 80]])
    out, error = run(path, "--province", "24")
    assert error is None
    assert "tổ chức: 1 thêm mới, 0 cập nhật, 0 không đổi" in out
    assert "số liệu năm: 1 thêm mới" in out and "Chưa lưu: chạy lại với --commit." in out
    assert not Organisation.objects.filter(registration_code="2409990101").exists()

    out, error = run(path, "--province", "24", "--commit")
    assert error is None and "Đã lưu." in out
    assert YearlyFigures.objects.get(organisation__registration_code="2409990101", year=2024).members == 80


def test_errors_are_printed_by_row_and_column_and_exit_non_zero_with_nothing_saved(tmp_path):
    rows = [
        [1, "2409990101", "HTX Đúng", "HTX", "NN", commune("24").code, "01/02/2022", 2024, 80],
        [2, "2409990102", "HTX Sai", "HTX", "NN", commune("25").code, "30/02/2022", 2024, "nhiều"],
    ]
    out, error = run(write(tmp_path, rows), "--province", "24", "--commit")
    assert error is not None and error.returncode == 1 and "3 lỗi: chưa lưu gì" in str(error)
    assert "dòng 3, cột F (Mã xã): Xã/phường" in out
    assert "dòng 3, cột G (Ngày thành lập): “30/02/2022” không phải là ngày dd/mm/yyyy." in out
    assert "dòng 3, cột I (Số thành viên): “nhiều” không phải là số." in out
    assert not Organisation.objects.filter(registration_code__in=["2409990101", "2409990102"]).exists()


def test_an_unknown_province_or_missing_file_is_a_clear_error(tmp_path):
    assert "Không có tỉnh/thành phố mã 99" in str(run(write(tmp_path, []), "--province", "99")[1])
    assert "Không đọc được" in str(run(tmp_path / "khong-co.xlsx", "--province", "24")[1])


def test_a_column_mapped_by_hand_is_read_as_that_field_and_the_mapping_is_printed(tmp_path):
    place = commune("24")
    path = tmp_path / "ds.xlsx"
    header = ["Mã số thuế", "Tên HTX", "Loại hình", "Lĩnh vực", "Mã xã", "Ngày thành lập", "Năm", "Ghi chú TV"]
    path.write_bytes(xlsx_bytes([header, ["2409990301", "HTX Ánh", "HTX", "NN", place.code, "2020", 2024, 41]]))
    out, error = run(path, "--province", "24", "--map", "Ghi chú TV=members", "--map", "Lĩnh vực=", "--commit")
    assert error is not None  # the sector column left out: a new organisation needs one
    assert "H (Ghi chú TV) → members" in out and "Lĩnh vực" not in out.split("Các cột đã đọc:")[1].split("tổ chức")[0]
    out, error = run(path, "--province", "24", "--map", "Ghi chú TV=members", "--commit")
    assert error is None
    assert YearlyFigures.objects.get(organisation__registration_code="2409990301").members == 41


def test_a_mapping_to_no_field_is_refused_with_the_fields_named(tmp_path):
    _out, error = run(write(tmp_path, []), "--province", "24", "--map", "Ghi chú=thanh_vien")
    assert error and "members" in str(error)


def test_the_valid_rows_only_are_written_with_skip_invalid(tmp_path):
    place = commune("24")
    rows = [
        [1, "2409990401", "HTX Tốt", "HTX", "NN", place.code, "01/02/2022", 2024, 80],
        [2, "2409990402", "HTX Sai", "HTX", "Bay", place.code, "01/02/2022", 2024, 80],
    ]
    out, error = run(write(tmp_path, rows), "--province", "24", "--commit", "--skip-invalid")
    assert error and "đã lưu các dòng hợp lệ" in str(error)
    assert list(
        Organisation.objects.filter(registration_code__startswith="240999040").values_list("name", flat=True)
    ) == ["HTX Tốt"]


def test_a_split_commune_is_asked_about_with_its_candidates_and_answered_with_commune(tmp_path):
    path = tmp_path / "da-bac.xls"
    header = ["Mã số HTX", "Tên HTX", "Loại hình", "Lĩnh vực", "Huyện", "Xã", "Năm thành lập"]
    path.write_bytes(xls_bytes([header, ["2509800201", "HTX Vầy Nưa", "HTX", "Thủy sản", "Đà Bắc", "Vầy Nưa", 2016]]))
    out, error = run(path, "--province", "25", "--commit")
    assert error is not None and "dòng 2, cột F (Xã)" in out
    assert "chọn bằng --commune 2=MÃ, MÃ là một trong: 04828 (Phường Thống Nhất), 04891 (Xã Tiền Phong)" in out
    assert not Organisation.objects.filter(registration_code="2509800201").exists()

    out, error = run(path, "--province", "25", "--commit", "--commune", "2=04891")
    assert error is None and "Đã lưu." in out
    assert Organisation.objects.get(registration_code="2509800201").commune.code == "04891"


def test_a_commune_choice_that_is_no_commune_of_the_province_is_refused(tmp_path):
    path = write(tmp_path, [[1, "2409990101", "HTX Lệnh", "HTX", "NN", commune("24").code, "01/02/2022", 2024, 80]])
    out, error = run(path, "--province", "24", "--commune", "2=08674")  # a commune of Phú Thọ
    assert error is not None and "cần dạng “dòng=mã xã”" in str(error)
