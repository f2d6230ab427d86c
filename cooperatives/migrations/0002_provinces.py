"""The 97 provinces (63 before 1/7/2025, 34 from then on) and the merger table.

Small public facts (QĐ 19/2025/QĐ-TTg; NQ 202/2025/QH15), carried by the project so
that a fresh install works without any file; districts and communes come from
`manage.py import_admin_units`. Codes follow the GSO list; names as of 1/7/2025.
"""

import datetime

from django.db import migrations

MERGER_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE = datetime.date(2025, 6, 30)

# code, name, full name, English name, kind, code of the 34-province unit it went into
OLD_PROVINCES = [
    ("01", "Hà Nội", "Thành phố Hà Nội", "Ha Noi", "municipality", "01"),
    ("02", "Hà Giang", "Tỉnh Hà Giang", "Ha Giang", "province", "08"),
    ("04", "Cao Bằng", "Tỉnh Cao Bằng", "Cao Bang", "province", "04"),
    ("06", "Bắc Kạn", "Tỉnh Bắc Kạn", "Bac Kan", "province", "19"),
    ("08", "Tuyên Quang", "Tỉnh Tuyên Quang", "Tuyen Quang", "province", "08"),
    ("10", "Lào Cai", "Tỉnh Lào Cai", "Lao Cai", "province", "15"),
    ("11", "Điện Biên", "Tỉnh Điện Biên", "Dien Bien", "province", "11"),
    ("12", "Lai Châu", "Tỉnh Lai Châu", "Lai Chau", "province", "12"),
    ("14", "Sơn La", "Tỉnh Sơn La", "Son La", "province", "14"),
    ("15", "Yên Bái", "Tỉnh Yên Bái", "Yen Bai", "province", "15"),
    ("17", "Hoà Bình", "Tỉnh Hoà Bình", "Hoa Binh", "province", "25"),
    ("19", "Thái Nguyên", "Tỉnh Thái Nguyên", "Thai Nguyen", "province", "19"),
    ("20", "Lạng Sơn", "Tỉnh Lạng Sơn", "Lang Son", "province", "20"),
    ("22", "Quảng Ninh", "Tỉnh Quảng Ninh", "Quang Ninh", "province", "22"),
    ("24", "Bắc Giang", "Tỉnh Bắc Giang", "Bac Giang", "province", "24"),
    ("25", "Phú Thọ", "Tỉnh Phú Thọ", "Phu Tho", "province", "25"),
    ("26", "Vĩnh Phúc", "Tỉnh Vĩnh Phúc", "Vinh Phuc", "province", "25"),
    ("27", "Bắc Ninh", "Tỉnh Bắc Ninh", "Bac Ninh", "province", "24"),
    ("30", "Hải Dương", "Tỉnh Hải Dương", "Hai Duong", "province", "31"),
    ("31", "Hải Phòng", "Thành phố Hải Phòng", "Hai Phong", "municipality", "31"),
    ("33", "Hưng Yên", "Tỉnh Hưng Yên", "Hung Yen", "province", "33"),
    ("34", "Thái Bình", "Tỉnh Thái Bình", "Thai Binh", "province", "33"),
    ("35", "Hà Nam", "Tỉnh Hà Nam", "Ha Nam", "province", "37"),
    ("36", "Nam Định", "Tỉnh Nam Định", "Nam Dinh", "province", "37"),
    ("37", "Ninh Bình", "Tỉnh Ninh Bình", "Ninh Binh", "province", "37"),
    ("38", "Thanh Hóa", "Tỉnh Thanh Hóa", "Thanh Hoa", "province", "38"),
    ("40", "Nghệ An", "Tỉnh Nghệ An", "Nghe An", "province", "40"),
    ("42", "Hà Tĩnh", "Tỉnh Hà Tĩnh", "Ha Tinh", "province", "42"),
    ("44", "Quảng Bình", "Tỉnh Quảng Bình", "Quang Binh", "province", "44"),
    ("45", "Quảng Trị", "Tỉnh Quảng Trị", "Quang Tri", "province", "44"),
    ("46", "Huế", "Thành phố Huế", "Hue", "municipality", "46"),
    ("48", "Đà Nẵng", "Thành phố Đà Nẵng", "Da Nang", "municipality", "48"),
    ("49", "Quảng Nam", "Tỉnh Quảng Nam", "Quang Nam", "province", "48"),
    ("51", "Quảng Ngãi", "Tỉnh Quảng Ngãi", "Quang Ngai", "province", "51"),
    ("52", "Bình Định", "Tỉnh Bình Định", "Binh Dinh", "province", "52"),
    ("54", "Phú Yên", "Tỉnh Phú Yên", "Phu Yen", "province", "66"),
    ("56", "Khánh Hòa", "Tỉnh Khánh Hòa", "Khanh Hoa", "province", "56"),
    ("58", "Ninh Thuận", "Tỉnh Ninh Thuận", "Ninh Thuan", "province", "56"),
    ("60", "Bình Thuận", "Tỉnh Bình Thuận", "Binh Thuan", "province", "68"),
    ("62", "Kon Tum", "Tỉnh Kon Tum", "Kon Tum", "province", "51"),
    ("64", "Gia Lai", "Tỉnh Gia Lai", "Gia Lai", "province", "52"),
    ("66", "Đắk Lắk", "Tỉnh Đắk Lắk", "Dak Lak", "province", "66"),
    ("67", "Đắk Nông", "Tỉnh Đắk Nông", "Dak Nong", "province", "68"),
    ("68", "Lâm Đồng", "Tỉnh Lâm Đồng", "Lam Dong", "province", "68"),
    ("70", "Bình Phước", "Tỉnh Bình Phước", "Binh Phuoc", "province", "75"),
    ("72", "Tây Ninh", "Tỉnh Tây Ninh", "Tay Ninh", "province", "80"),
    ("74", "Bình Dương", "Tỉnh Bình Dương", "Binh Duong", "province", "79"),
    ("75", "Đồng Nai", "Tỉnh Đồng Nai", "Dong Nai", "province", "75"),
    ("77", "Bà Rịa - Vũng Tàu", "Tỉnh Bà Rịa - Vũng Tàu", "Ba Ria - Vung Tau", "province", "79"),
    ("79", "Hồ Chí Minh", "Thành phố Hồ Chí Minh", "Ho Chi Minh", "municipality", "79"),
    ("80", "Long An", "Tỉnh Long An", "Long An", "province", "80"),
    ("82", "Tiền Giang", "Tỉnh Tiền Giang", "Tien Giang", "province", "82"),
    ("83", "Bến Tre", "Tỉnh Bến Tre", "Ben Tre", "province", "86"),
    ("84", "Trà Vinh", "Tỉnh Trà Vinh", "Tra Vinh", "province", "86"),
    ("86", "Vĩnh Long", "Tỉnh Vĩnh Long", "Vinh Long", "province", "86"),
    ("87", "Đồng Tháp", "Tỉnh Đồng Tháp", "Dong Thap", "province", "82"),
    ("89", "An Giang", "Tỉnh An Giang", "An Giang", "province", "91"),
    ("91", "Kiên Giang", "Tỉnh Kiên Giang", "Kien Giang", "province", "91"),
    ("92", "Cần Thơ", "Thành phố Cần Thơ", "Can Tho", "municipality", "92"),
    ("93", "Hậu Giang", "Tỉnh Hậu Giang", "Hau Giang", "province", "92"),
    ("94", "Sóc Trăng", "Tỉnh Sóc Trăng", "Soc Trang", "province", "92"),
    ("95", "Bạc Liêu", "Tỉnh Bạc Liêu", "Bac Lieu", "province", "96"),
    ("96", "Cà Mau", "Tỉnh Cà Mau", "Ca Mau", "province", "96"),
]

# code, name, full name, English name, kind
NEW_PROVINCES = [
    ("01", "Hà Nội", "Thành phố Hà Nội", "Ha Noi", "municipality"),
    ("04", "Cao Bằng", "Tỉnh Cao Bằng", "Cao Bang", "province"),
    ("08", "Tuyên Quang", "Tỉnh Tuyên Quang", "Tuyen Quang", "province"),
    ("11", "Điện Biên", "Tỉnh Điện Biên", "Dien Bien", "province"),
    ("12", "Lai Châu", "Tỉnh Lai Châu", "Lai Chau", "province"),
    ("14", "Sơn La", "Tỉnh Sơn La", "Son La", "province"),
    ("15", "Lào Cai", "Tỉnh Lào Cai", "Lao Cai", "province"),
    ("19", "Thái Nguyên", "Tỉnh Thái Nguyên", "Thai Nguyen", "province"),
    ("20", "Lạng Sơn", "Tỉnh Lạng Sơn", "Lang Son", "province"),
    ("22", "Quảng Ninh", "Tỉnh Quảng Ninh", "Quang Ninh", "province"),
    ("24", "Bắc Ninh", "Tỉnh Bắc Ninh", "Bac Ninh", "province"),
    ("25", "Phú Thọ", "Tỉnh Phú Thọ", "Phu Tho", "province"),
    ("31", "Hải Phòng", "Thành phố Hải Phòng", "Hai Phong", "municipality"),
    ("33", "Hưng Yên", "Tỉnh Hưng Yên", "Hung Yen", "province"),
    ("37", "Ninh Bình", "Tỉnh Ninh Bình", "Ninh Binh", "province"),
    ("38", "Thanh Hóa", "Tỉnh Thanh Hóa", "Thanh Hoa", "province"),
    ("40", "Nghệ An", "Tỉnh Nghệ An", "Nghe An", "province"),
    ("42", "Hà Tĩnh", "Tỉnh Hà Tĩnh", "Ha Tinh", "province"),
    ("44", "Quảng Trị", "Tỉnh Quảng Trị", "Quang Tri", "province"),
    ("46", "Huế", "Thành phố Huế", "Hue", "municipality"),
    ("48", "Đà Nẵng", "Thành phố Đà Nẵng", "Da Nang", "municipality"),
    ("51", "Quảng Ngãi", "Tỉnh Quảng Ngãi", "Quang Ngai", "province"),
    ("52", "Gia Lai", "Tỉnh Gia Lai", "Gia Lai", "province"),
    ("56", "Khánh Hòa", "Tỉnh Khánh Hòa", "Khanh Hoa", "province"),
    ("66", "Đắk Lắk", "Tỉnh Đắk Lắk", "Dak Lak", "province"),
    ("68", "Lâm Đồng", "Tỉnh Lâm Đồng", "Lam Dong", "province"),
    ("75", "Đồng Nai", "Tỉnh Đồng Nai", "Dong Nai", "province"),
    ("79", "Hồ Chí Minh", "Thành phố Hồ Chí Minh", "Ho Chi Minh", "municipality"),
    ("80", "Tây Ninh", "Tỉnh Tây Ninh", "Tay Ninh", "province"),
    ("82", "Đồng Tháp", "Tỉnh Đồng Tháp", "Dong Thap", "province"),
    ("86", "Vĩnh Long", "Tỉnh Vĩnh Long", "Vinh Long", "province"),
    ("91", "An Giang", "Tỉnh An Giang", "An Giang", "province"),
    ("92", "Cần Thơ", "Thành phố Cần Thơ", "Can Tho", "municipality"),
    ("96", "Cà Mau", "Tỉnh Cà Mau", "Ca Mau", "province"),
]


def load_provinces(apps, schema_editor):
    AdminUnit = apps.get_model("cooperatives", "AdminUnit")
    UnitSuccession = apps.get_model("cooperatives", "UnitSuccession")
    UnitLineage = apps.get_model("cooperatives", "UnitLineage")
    nation = AdminUnit.objects.create(
        code="VN",
        name="Việt Nam",
        full_name="Toàn quốc",
        name_en="Viet Nam",
        level="nation",
        kind="nation",
        structure="*",
    )
    new = {}
    for code, name, full_name, name_en, kind in NEW_PROVINCES:
        new[code] = AdminUnit.objects.create(
            code=code,
            name=name,
            full_name=full_name,
            name_en=name_en,
            level="province",
            kind=kind,
            structure="34",
            parent=nation,
            valid_from=MERGER_DATE,
        )
    lineage = [UnitLineage(ancestor=nation, descendant=nation)]
    for unit in new.values():
        lineage += [UnitLineage(ancestor=unit, descendant=unit), UnitLineage(ancestor=nation, descendant=unit)]
    for code, name, full_name, name_en, kind, new_code in OLD_PROVINCES:
        old = AdminUnit.objects.create(
            code=code,
            name=name,
            full_name=full_name,
            name_en=name_en,
            level="province",
            kind=kind,
            structure="63",
            parent=nation,
            valid_to=LAST_DAY_BEFORE,
        )
        UnitSuccession.objects.create(predecessor=old, successor=new[new_code], effective_on=MERGER_DATE)
        lineage += [
            UnitLineage(ancestor=old, descendant=old),
            UnitLineage(ancestor=nation, descendant=old),
            # Every old province went whole into one new province.
            UnitLineage(ancestor=new[new_code], descendant=old),
        ]
    UnitLineage.objects.bulk_create(lineage)


def unload_provinces(apps, schema_editor):
    apps.get_model("cooperatives", "UnitLineage").objects.all().delete()
    apps.get_model("cooperatives", "UnitSuccession").objects.all().delete()
    AdminUnit = apps.get_model("cooperatives", "AdminUnit")
    AdminUnit.objects.filter(level="province").delete()
    AdminUnit.objects.filter(level="nation").delete()


class Migration(migrations.Migration):
    dependencies = [("cooperatives", "0001_initial")]

    operations = [migrations.RunPython(load_provinces, unload_provinces)]
