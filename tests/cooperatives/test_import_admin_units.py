"""`manage.py import_admin_units`: what the official lists load, and why a bad list is refused whole.

The session database already holds the whole `derived/` folder (see tests/conftest.py).
"""

import csv
import hashlib
import io
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q, Value
from django.db.models.functions import Concat

from cooperatives.models import AdminUnit, UnitLineage, UnitSuccession

pytestmark = pytest.mark.django_db

GSO_DIR = "upstream/tranngocminhhieu"
GSO_WARDS = f"{GSO_DIR}/danhmuchanhchinh.gso.gov.vn_ward_2025-07-18.csv"
GSO_DISTRICTS = f"{GSO_DIR}/danhmuchanhchinh.gso.gov.vn_district_2025-07-18.csv"
LISTED_HEADER = "code,name,full_name,name_en,code_name,province_code,unit_type,unit_type_vi"
OLD_COMMUNES_HEADER = "code,name,full_name,name_en,code_name,district_code,province_code,unit_type,unit_type_vi"
# A district the lists do not have: it would be created if its file were loaded.
NEW_DISTRICT_ROW = "998,Thử Nghiệm,Huyện Thử Nghiệm,Thu Nghiem,thu_nghiem,01,district,Huyện"


def run_import(*paths) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_admin_units", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def unit(structure, level, code) -> AdminUnit:
    return AdminUnit.objects.get(structure=structure, level=level, code=code)


def write_csv(path, *lines, bom=False):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


def places_fingerprint() -> str:
    """A checksum of every unit, succession and lineage row."""
    digest = hashlib.sha256()
    for rows in (
        AdminUnit.objects.order_by("pk").values_list(),
        UnitSuccession.objects.order_by("pk").values_list(),
        UnitLineage.objects.order_by("pk").values_list(),
    ):
        for row in rows.iterator(chunk_size=5000):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_the_derived_folder_gives_every_district_and_commune_of_both_structures():
    counts = Counter(AdminUnit.objects.values_list("structure", "level"))

    assert counts[("63", "province")] == 63
    assert counts[("34", "province")] == 34
    assert counts[("63", "district")] == 696
    assert counts[("63", "commune")] == 10_035
    assert counts[("34", "commune")] == 3_321


def test_the_derived_folder_gives_one_succession_per_mapping_row_besides_the_63_provinces():
    by_levels = Counter(UnitSuccession.objects.values_list("predecessor__level", "successor__level"))

    # 10,602 mapping rows: 10,597 old commune → new commune, 5 island district → special zone.
    assert by_levels == {("commune", "commune"): 10_597, ("district", "commune"): 5, ("province", "province"): 63}
    assert not UnitSuccession.objects.exclude(effective_on="2025-07-01").exists()


def test_an_old_commune_split_in_the_mapping_has_a_succession_to_each_new_commune():
    cong_vi = unit("63", "commune", "00007")

    assert sorted(cong_vi.successions.values_list("successor__code", flat=True)) == ["00008", "00025"]


def test_an_island_district_without_communes_went_into_its_special_zone():
    bach_long_vi = unit("63", "district", "318")

    successor = bach_long_vi.successions.get().successor
    assert (successor.structure, successor.code, successor.kind) == ("34", "11948", "special_administrative_region")


def test_in_a_folder_the_later_list_of_a_kind_wins():
    # wards_34_2026-04-30.csv comes after wards_34_2025-07-01.csv: Lộc Ninh became a phường.
    loc_ninh = unit("34", "commune", "25270")

    assert (loc_ninh.full_name, loc_ninh.kind) == ("Phường Lộc Ninh", "ward")
    assert unit("34", "province", "75").kind == "municipality"


def test_units_keep_their_leading_zeros_and_their_parents():
    phuc_xa = unit("63", "commune", "00001")

    assert (phuc_xa.parent.code, phuc_xa.parent.level, phuc_xa.parent.parent.code) == ("001", "district", "01")
    assert unit("34", "commune", "00004").parent == unit("34", "province", "01")
    assert str(phuc_xa.valid_to) == "2025-06-30" and phuc_xa.valid_from is None


def test_a_second_run_over_the_folder_changes_nothing_and_says_so(shared_admin_units):
    before = places_fingerprint()

    started = time.monotonic()
    out, _ = run_import(shared_admin_units / "derived")
    elapsed = time.monotonic() - started

    assert places_fingerprint() == before
    lines = dict(line.split(": ", 1) for line in out.splitlines())
    assert lines["communes (34)"] == "0 created, 0 updated, 3321 unchanged"
    assert lines["communes (63)"] == "0 created, 0 updated, 10035 unchanged"
    assert lines["districts (63)"] == "0 created, 0 updated, 696 unchanged"
    assert lines["successions"] == "0 created, 0 updated, 0 deleted, 10665 unchanged"
    assert lines["lineage"] == f"0 created, 0 deleted, {UnitLineage.objects.count()} unchanged"
    assert elapsed < 60


def gso_rows_of_district(shared_admin_units, district_code):
    with (shared_admin_units / GSO_WARDS).open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    return rows[0], [row for row in rows[1:] if row[4] == district_code]


def test_the_gso_export_creates_old_communes_and_the_districts_they_name(shared_admin_units, tmp_path):
    header, rows = gso_rows_of_district(shared_admin_units, "001")
    ba_dinh = unit("63", "district", "001")
    # The demo's organisations hold on to Ba Đình's communes: move them aside instead of deleting them.
    AdminUnit.objects.filter(Q(parent=ba_dinh) | Q(pk=ba_dinh.pk)).update(code=Concat(Value("x"), "code"))
    path = tmp_path / "gso_wards.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        # The portal sometimes drops a province code's leading zero.
        csv.writer(file).writerows([header, *([*row[:6], "1", row[7]] for row in rows)])

    out, _ = run_import(path)

    assert "districts (63): 1 created, 0 updated, 0 unchanged" in out
    assert f"communes (63): {len(rows)} created, 0 updated, 0 unchanged" in out
    phuc_xa = unit("63", "commune", "00001")
    assert (phuc_xa.name, phuc_xa.full_name, phuc_xa.kind) == ("Phúc Xá", "Phường Phúc Xá", "ward")
    district = phuc_xa.parent
    assert (district.code, district.name, district.kind) == ("001", "Ba Đình", "urban_district")
    assert district.parent == unit("63", "province", "01")
    assert AdminUnit.objects.containing(phuc_xa).filter(code="01", level="province").count() == 2


def test_the_gso_export_as_downloaded_agrees_with_the_clean_lists(shared_admin_units):
    out, _ = run_import(shared_admin_units / GSO_DISTRICTS, shared_admin_units / GSO_WARDS)

    assert "districts (63): 0 created" in out and "communes (63): 0 created" in out
    assert unit("63", "district", "769").kind == "municipal_city"  # Thủ Đức, a city inside Hồ Chí Minh
    assert unit("63", "district", "058").full_name == "Thành phố Bắc Kạn"  # exported as "Thành Phố"
    assert unit("63", "commune", "00001").name_en == "Phuc Xa"  # the export leaves it empty
    assert unit("63", "commune", "27046").kind == "ward"  # "Phường 5", exported with Cấp "Xã"


@pytest.mark.parametrize(
    ("name", "lines", "error"),
    [
        (
            "wards_63_pre2025.csv",
            [OLD_COMMUNES_HEADER, "99901,Một,Xã Một,Mot,mot,99x,01,commune,Xã"],
            'wards_63_pre2025.csv, line 2: district code "99x" is not 3 digits',
        ),
        (
            "districts_63_pre2025.csv",
            [LISTED_HEADER, "997,Hai,Huyện Hai,Hai,hai,99,district,Huyện"],
            'districts_63_pre2025.csv, line 2: unknown province "99"',
        ),
        (
            "wards_63_pre2025.csv",
            [OLD_COMMUNES_HEADER, "99901,Một,Xã Một,Mot,mot,001,01,commune,Xã", "99902,Hai,Xã Hai,Hai,001,01,commune"],
            "wards_63_pre2025.csv, line 3: 7 fields where the header has 9",
        ),
        (
            "wards_63_pre2025.csv",
            [OLD_COMMUNES_HEADER.replace("code,name,", "code,"), "99901,Xã Một,Mot,mot,001,01,commune,Xã"],
            "wards_63_pre2025.csv, line 1: missing column name",
        ),
        (
            "wards_63_pre2025.csv",
            [OLD_COMMUNES_HEADER, "99901,Một,Thôn Một,Mot,mot,001,01,hamlet,Thôn"],
            'wards_63_pre2025.csv, line 2: unknown unit_type "hamlet" for a commune',
        ),
        (
            "wards_63_pre2025.csv",
            [
                OLD_COMMUNES_HEADER,
                "99901,Một,Xã Một,Mot,mot,001,01,commune,Xã",
                "99901,Hai,Xã Hai,Hai,hai,001,01,commune,Xã",
            ],
            'wards_63_pre2025.csv, line 3: commune code "99901" repeats line 2',
        ),
        (
            "wards_63_pre2025.csv",
            [OLD_COMMUNES_HEADER, "99901,Một,Xã Một,Mot,mot,999,01,commune,Xã"],
            'wards_63_pre2025.csv, line 2: unknown district "999"',
        ),
        (
            "ward_mapping_63_to_34.csv",
            ["old_province_code,old_district_code,old_ward_code,new_ward_code", "01,001,00001,99999"],
            'ward_mapping_63_to_34.csv, line 2: unknown commune "99999" (structure 34)',
        ),
        (
            "provinces_63_pre2025.csv",
            ["code,name,full_name,name_en,unit_type,region_id", "99,Mới,Tỉnh Mới,Moi,province,1"],
            'provinces_63_pre2025.csv, line 2: province "99" is not one of the 63 provinces',
        ),
        (
            "gso_wards.csv",
            [
                "Mã,Tên,Tên Tiếng Anh,Cấp,Mã QH,Quận Huyện,Mã TP,Tỉnh / Thành Phố",
                "99901,Thôn Một,,Thôn,001,Quận Ba Đình,01,",
            ],
            'gso_wards.csv, line 2: unknown Cấp "Thôn" for a commune',
        ),
    ],
)
def test_a_malformed_list_is_refused_with_file_line_and_reason_and_nothing_is_loaded(tmp_path, name, lines, error):
    good = write_csv(tmp_path / "districts_extra.csv", LISTED_HEADER, NEW_DISTRICT_ROW)
    bad = write_csv(tmp_path / name, *lines, bom=True)
    units_before = AdminUnit.objects.count()

    with pytest.raises(CommandError) as refused:
        run_import(good, bad)

    assert error in str(refused.value)
    assert AdminUnit.objects.count() == units_before
    assert not AdminUnit.objects.filter(level="district", code="998").exists()


def test_a_list_from_the_command_line_that_is_not_recognised_is_refused(tmp_path):
    notes = write_csv(tmp_path / "notes.csv", "title,text", "a,b")

    with pytest.raises(CommandError, match="notes.csv: not a recognised list"):
        run_import(notes)


def test_a_folder_skips_and_reports_the_files_it_does_not_recognise(tmp_path):
    write_csv(tmp_path / "notes.csv", "title,text", "a,b")
    write_csv(tmp_path / "districts_extra.csv", LISTED_HEADER, NEW_DISTRICT_ROW)

    out, err = run_import(tmp_path)

    assert "skipped notes.csv" in err
    assert "districts (63): 1 created, 0 updated, 0 unchanged" in out
    assert unit("63", "district", "998").parent == unit("63", "province", "01")
