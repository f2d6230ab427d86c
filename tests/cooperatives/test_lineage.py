"""The lineage closure: which units lie inside which, across the 2025 reorganisation."""

import pytest

from cooperatives.models import AdminUnit, UnitLineage
from cooperatives.services import lineage_rebuild

pytestmark = pytest.mark.django_db


def unit(structure, level, code) -> AdminUnit:
    return AdminUnit.objects.get(structure=structure, level=level, code=code)


def areas_holding(place) -> set[tuple[str, str, str]]:
    return set(AdminUnit.objects.containing(place).values_list("structure", "level", "code"))


def test_an_old_bac_giang_commune_lies_inside_its_district_old_bac_giang_new_bac_ninh_and_the_nation():
    tho_xuong = unit("63", "commune", "07201")

    assert areas_holding(tho_xuong) == {
        ("63", "commune", "07201"),
        ("63", "district", "213"),
        ("63", "province", "24"),  # old Bắc Giang
        ("34", "province", "24"),  # new Bắc Ninh
        ("*", "nation", "VN"),
    }


def test_a_new_commune_from_old_bac_giang_communes_lies_inside_old_bac_giang_but_not_inside_those_communes():
    bac_giang_ward = unit("34", "commune", "07210")

    holding = areas_holding(bac_giang_ward)

    assert {("63", "province", "24"), ("63", "district", "213"), ("34", "province", "24")} <= holding
    assert not any(level == "commune" and structure == "63" for structure, level, _ in holding)
    assert unit("63", "commune", "07201") in AdminUnit.objects.filter(successions__successor=bac_giang_ward)


def test_an_old_commune_split_across_two_new_communes_lies_inside_neither():
    cong_vi = unit("63", "commune", "00007")

    assert cong_vi.successions.count() == 2
    assert not AdminUnit.objects.containing(cong_vi).filter(structure="34", level="commune").exists()


def test_a_special_zone_lies_inside_the_island_district_it_was_but_not_the_other_way_round():
    bach_long_vi_district, bach_long_vi_zone = unit("63", "district", "318"), unit("34", "commune", "11948")

    assert {("63", "district", "318"), ("63", "province", "31")} <= areas_holding(bach_long_vi_zone)
    assert ("34", "commune", "11948") not in areas_holding(bach_long_vi_district)


def test_the_provinces_keep_exactly_the_lineage_the_migration_shipped():
    between_provinces = UnitLineage.objects.filter(
        ancestor__level__in=["nation", "province"], descendant__level__in=["nation", "province"]
    )

    # The nation in itself; 34 new provinces in themselves and the nation; 63 old ones in those and their successor.
    assert between_provinces.count() == 1 + 34 * 2 + 63 * 3
    assert areas_holding(unit("63", "province", "17")) == {
        ("63", "province", "17"),
        ("34", "province", "25"),  # Hòa Bình went into Phú Thọ
        ("*", "nation", "VN"),
    }


def test_a_rebuild_over_a_built_lineage_changes_nothing():
    pairs_before = set(UnitLineage.objects.values_list("ancestor_id", "descendant_id"))

    counts = lineage_rebuild()

    assert (counts.created, counts.deleted) == (0, 0)
    assert counts.unchanged == len(pairs_before)
    assert set(UnitLineage.objects.values_list("ancestor_id", "descendant_id")) == pairs_before


def test_a_rebuild_restores_missing_pairs_and_deletes_stale_ones():
    tho_xuong, bac_giang_ward = unit("63", "commune", "07201"), unit("34", "commune", "07210")
    expected = areas_holding(tho_xuong)
    UnitLineage.objects.filter(descendant=tho_xuong).exclude(ancestor=tho_xuong).delete()
    UnitLineage.objects.create(ancestor=bac_giang_ward, descendant=tho_xuong)

    counts = lineage_rebuild()

    assert (counts.created, counts.deleted) == (len(expected) - 1, 1)
    assert areas_holding(tho_xuong) == expected
