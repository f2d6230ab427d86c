"""`manage.py import_province_maps PATH...`: the provinces' outlines for the maps, from GeoJSON.

PATH is a GeoJSON FeatureCollection or a folder of them (`../shared/data/maps`, whose SOURCE.md
says where they come from). Each feature names its province by its official code
(`properties.code`, else the feature's `id`), never by name. A file is one map: its codes must be
exactly the provinces of one structure (the 63 before 1/7/2025 or the 34 from then on). Every
file is read and checked before anything is written, so a bad file leaves the database as it was;
loading the same files again changes nothing but the time they were loaded.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cooperatives.models import AdminUnit, ProvinceBoundary

SHAPES = {"Polygon": 3, "MultiPolygon": 4}  # the nesting depth of each geometry's coordinates
MAX_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = "Load the provinces' boundaries for the maps from GeoJSON files (codes, not names)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="GeoJSON files, or folders of *.geojson")

    def handle(self, *args, paths, **options):
        files = _files(paths)
        provinces = {
            structure: {unit.code: unit for unit in AdminUnit.objects.provinces().of_structure(structure)}
            for structure in AdminUnit.Structure.values
        }
        loaded = [_read(path, provinces) for path in files]  # every file checked before any write
        with transaction.atomic():
            for _path, _structure, shapes in loaded:
                for unit, geometry, source in shapes:
                    ProvinceBoundary.objects.update_or_create(
                        unit=unit, defaults={"geometry": geometry, "source": source}
                    )
        for path, structure, shapes in loaded:
            self.stdout.write(f"{path.name}: {len(shapes)} provinces ({structure})")


def _files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.geojson"))
            if not found:
                raise CommandError(f"{path}: no *.geojson file in this folder.")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{path}: no such file or folder.")
    return files


def _read(path: Path, provinces: dict[str, dict[str, AdminUnit]]):
    if path.stat().st_size > MAX_BYTES:
        raise CommandError(f"{path.name}: larger than {MAX_BYTES // (1024 * 1024)} MB; not a province map.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"{path.name}: not GeoJSON ({error}).") from error
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise CommandError(f"{path.name}: not a GeoJSON FeatureCollection.")
    shapes = {}
    for number, feature in enumerate(data["features"], start=1):
        where = f"{path.name}, feature {number}"
        if not isinstance(feature, dict):
            raise CommandError(f"{where}: not a GeoJSON feature.")
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        code = str(properties.get("code") or feature.get("id") or "").strip()
        if not code:
            raise CommandError(f"{where}: no province code (properties.code or id).")
        if code in shapes:
            raise CommandError(f"{where}: province code {code} appears twice.")
        shapes[code] = _geometry(feature.get("geometry"), f"{where} (code {code})")
    structure = next((s for s, units in provinces.items() if set(units) == set(shapes)), None)
    if structure is None:
        raise CommandError(_mismatch(path.name, set(shapes), provinces))
    source = f"{path.name}"
    return (
        path,
        structure,
        [(provinces[structure][code], geometry, source) for code, geometry in sorted(shapes.items())],
    )


def _geometry(geometry, where: str) -> dict:
    if not isinstance(geometry, dict) or geometry.get("type") not in SHAPES:
        raise CommandError(f"{where}: the geometry must be a Polygon or a MultiPolygon.")
    if not _nested(geometry.get("coordinates"), SHAPES[geometry["type"]]):
        raise CommandError(f"{where}: its coordinates are not [longitude, latitude] rings of a {geometry['type']}.")
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


def _nested(value, depth: int) -> bool:
    """Lists `depth` deep ending in [longitude, latitude] pairs, rings of four points at least."""
    if depth == 1:
        return (
            isinstance(value, list)
            and len(value) >= 2
            and all(isinstance(x, int | float) and not isinstance(x, bool) for x in value)
            and -180 <= value[0] <= 180
            and -90 <= value[1] <= 90
        )
    if not isinstance(value, list) or not value or (depth == 2 and len(value) < 4):
        return False
    return all(_nested(item, depth - 1) for item in value)


def _mismatch(name: str, codes: set[str], provinces: dict[str, dict[str, AdminUnit]]) -> str:
    """Which codes keep the file from being one map: those of the nearest structure missing or unknown."""
    structure, units = min(provinces.items(), key=lambda item: len(codes ^ set(item[1])))
    missing, unknown = sorted(set(units) - codes), sorted(codes - set(units))
    said = [f"{name}: the codes are not the provinces of one map (nearest: the {len(units)} of structure {structure})"]
    if missing:
        said.append(f"missing {', '.join(missing)}")
    if unknown:
        said.append(f"unknown {', '.join(unknown)}")
    return "; ".join(said) + "."
