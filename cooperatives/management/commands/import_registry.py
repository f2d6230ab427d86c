"""Import an Excel/CSV list of organisations, yearly figures and ratings into one province.

Prints the same preview as the web page (counts, then every error with its row, column and
reason); writes only with --commit, all or nothing. Exits with status 1 when the file has errors.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cooperatives.importing import mappable_fields
from cooperatives.models import AdminUnit
from cooperatives.services import registry_import

KINDS = {"organisations": "tổ chức", "figures": "số liệu năm", "ratings": "xếp loại"}


class Command(BaseCommand):
    help = "Check (and with --commit, import) an .xlsx, .xls, .ods or .csv list of organisations, figures and ratings."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--province", required=True, help="code of a current (34) province, e.g. 24")
        parser.add_argument("--commit", action="store_true", help="write the file when it has no error")
        parser.add_argument(
            "--year", type=int, help="the figures' year, when neither a column, a header nor the title gives it"
        )

        parser.add_argument(
            "--skip-invalid", action="store_true", help="with --commit, write the valid rows and report the others"
        )

        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="read the column with this header as this field (FIELD empty: leave it out); repeatable",
        )

        parser.add_argument(
            "--commune",
            action="append",
            default=[],
            metavar="ROW=CODE",
            help="the commune (its code from 1/7/2025) of a row whose place has candidates, such as an old "
            "commune split across several new ones; repeatable",
        )

    def handle(self, *args, file, province, commit, year=None, skip_invalid=False, map=(), commune=(), **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được {file}: {error.strerror}") from None
        place = AdminUnit.objects.current_provinces().filter(code=province.zfill(2)).first()
        if place is None:
            raise CommandError(f"Không có tỉnh/thành phố mã {province} trong danh mục 34 tỉnh.")
        mapping = self.mapping(map)
        report = registry_import(
            data=data,
            file_name=file.name,
            province=place,
            commit=commit,
            year=year,
            skip_invalid=skip_invalid,
            mapping=mapping,
            choices=self.choices(commune, place),
        )
        self.stdout.write(f"{file.name} → {place.full_name}: {report.rows_read} dòng đã đọc")
        if report.columns:
            self.stdout.write("Các cột đã đọc:")
        for label, name in report.columns:
            self.stdout.write(f"  {label} → {name}")
        for what, counts in report.counts.items():
            self.stdout.write(
                f"  {KINDS[what]}: {counts['create']} thêm mới, {counts['update']} cập nhật, "
                f"{counts['unchanged']} không đổi"
            )
        for note in report.notes:
            self.stdout.write(note)
        for error in report.errors:
            where = f"dòng {error.row}, cột {error.column}: " if error.row else ""
            self.stdout.write(f"{where}{error.message}")
            if error.candidates:
                options = ", ".join(f"{c.code} ({c.label})" for c in error.candidates)
                self.stdout.write(f"  chọn bằng --commune {error.row}=MÃ, MÃ là một trong: {options}")
        if report.errors and report.committed:
            raise CommandError(f"{len(report.errors)} lỗi: đã lưu các dòng hợp lệ, bỏ qua các dòng lỗi.", returncode=1)
        if report.errors:
            raise CommandError(f"{len(report.errors)} lỗi: chưa lưu gì.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Đã lưu.") if report.committed else "Chưa lưu: chạy lại với --commit.")

    def mapping(self, pairs) -> dict[str, str]:
        mapping = {}
        for pair in pairs:
            header, sep, name = pair.rpartition("=")
            if not sep or not header.strip() or (name and name not in mappable_fields()):
                fields = ", ".join(sorted(mappable_fields()))
                raise CommandError(f"--map “{pair}”: cần dạng “Tiêu đề=trường”, trường là một trong: {fields}")
            mapping[header.strip()] = name.strip()
        return mapping

    def choices(self, pairs, province) -> dict[int, int]:
        """--commune ROW=CODE → {row: the commune's id}."""
        codes = dict(
            AdminUnit.objects.communes()
            .of_structure(AdminUnit.Structure.FROM_2025)
            .filter(parent=province)
            .values_list("code", "pk")
        )
        choices = {}
        for pair in pairs:
            row, sep, code = pair.partition("=")
            code = code.strip().zfill(5)
            if not sep or not row.strip().isdigit() or code not in codes:
                raise CommandError(
                    f"--commune “{pair}”: cần dạng “dòng=mã xã”, mã là một xã/phường của {province.full_name}"
                )
            choices[int(row)] = codes[code]
        return choices
