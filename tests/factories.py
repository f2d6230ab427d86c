"""Small factories for tests: unsaved or saved rows with sensible defaults."""

import datetime
from decimal import Decimal

import factory

from cooperatives.models import AdminUnit, Organisation, Rating, YearlyFigures
from plans.models import Indicator, Plan, Target


def province(code="24", structure="34") -> AdminUnit:
    return AdminUnit.objects.get(level="province", structure=structure, code=code)


def commune(code="24", structure="34") -> AdminUnit:
    """The first commune (by code) of a province of that map."""
    return AdminUnit.objects.communes().inside(province(code, structure)).of_structure(structure).order_by("code")[0]


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.COOPERATIVE
    name = factory.Sequence(lambda n: f"HTX Thử nghiệm {n}")
    registration_code = factory.Sequence(lambda n: f"99{n:08d}")
    sector = Organisation.Sector.AGRICULTURE
    commune = factory.LazyFunction(lambda: commune())
    founded_on = datetime.date(2020, 3, 1)


class YearlyFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearlyFigures

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2022
    members = 60


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2022
    verified_score = Decimal("70")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    issuer = "UBND tỉnh thử nghiệm"
    area = factory.LazyFunction(province)
    title = factory.Sequence(lambda n: f"Kế hoạch thử nghiệm {n}")
    first_year = 2022
    last_year = 2025


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    plan = factory.SubFactory(PlanFactory)
    indicator = factory.LazyFunction(lambda: Indicator.objects.get(code="htx_founded"))
    area = factory.SelfAttribute("plan.area")
    period = Target.Period.YEAR
    year_from = 2022
    year_to = 2022
    comparator = Target.Comparator.AT_LEAST
    value = Decimal(10)
    wording = "Thành lập mới 10 HTX"


def logged_in(client, username):
    """The test client, logged in as one of the demo accounts."""
    from accounts.models import User

    client.force_login(User.objects.get(username=username))
    return client


def xlsx_bytes(rows) -> bytes:
    """An Excel file holding `rows` on its first sheet."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def remove_committed_imports(code_pattern: str) -> None:
    """Delete, through a connection of its own (so outside any test transaction), the organisations
    whose code is LIKE `code_pattern`, their figures, ratings and history, and the import uploads.
    For tests whose server or worker commits on PostgreSQL."""
    from django.db import connection

    own = connection.copy()  # the test database's settings, a connection of its own
    ids = "SELECT id FROM cooperatives_organisation WHERE registration_code LIKE %(codes)s"
    try:
        with own.cursor() as cursor:
            for table in ("historicalrating", "historicalyearlyfigures", "rating", "yearlyfigures"):
                cursor.execute(
                    f"DELETE FROM cooperatives_{table} WHERE organisation_id IN ({ids})", {"codes": code_pattern}
                )
            cursor.execute(
                "DELETE FROM cooperatives_historicalorganisation WHERE registration_code LIKE %(codes)s",
                {"codes": code_pattern},
            )
            cursor.execute(f"DELETE FROM cooperatives_organisation WHERE id IN ({ids})", {"codes": code_pattern})
            cursor.execute("DELETE FROM cooperatives_registryimport")
            cursor.execute("DELETE FROM cooperatives_importmapping")
    finally:
        own.close()


def xlsx_with_sheet_data(xml: bytes, rows=(("Mã số đăng ký", "Tên tổ chức", "Loại hình"),)) -> bytes:
    """An Excel file of `rows` whose first sheet ends with `xml` inside its <sheetData>: what a
    crafted file can hold that no spreadsheet program writes."""
    import io
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", xml + b"</sheetData>")
            target.writestr(item.filename, content)
    return out.getvalue()


def xls_bytes(rows) -> bytes:
    """An Excel 97–2003 (.xls) file holding `rows` on its first sheet, dates shown as dd/mm/yyyy."""
    import datetime
    import io

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sách")
    day = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write(r, c, value, day)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
    ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Danh sách">{rows}</table:table>'
    "</office:spreadsheet></office:body></office:document-content>"
)


def ods_bytes(rows, tail: str = "") -> bytes:
    """An OpenDocument spreadsheet holding `rows`, then `tail` (raw table XML), as LibreOffice
    writes one: cells typed as text, numbers and dates."""
    import datetime
    import io
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    def cell(value):
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, datetime.date):
            kind = f'office:value-type="date" office:date-value="{value.isoformat()}"'
        elif isinstance(value, int | float) and not isinstance(value, bool):
            kind = f'office:value-type="float" office:value={quoteattr(str(value))}'
        else:
            kind = 'office:value-type="string"'
        return f"<table:table-cell {kind}><text:p>{escape(str(value))}</text:p></table:table-cell>"

    xml = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", ODS_CONTENT.format(rows=xml + tail))
    return out.getvalue()


def columns_seen(client, upload, **changes):
    """Staff go through an upload's mapping step: the form as the page shows it, with `changes`
    made (a column's letter, or "year" -> its value), posted. Returns the response."""
    from django.urls import reverse

    url = reverse("registry_import_mapping", args=[upload.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    letters = {column["letter"]: f"col_{column['index']}" for column in upload.reading["columns"]}
    data.update({letters.get(letter, letter): value for letter, value in changes.items()})
    return client.post(url, data)
