from django.db import migrations


def fill_action_provinces(apps, schema_editor):
    """Existing actions get the current province of their area (one update per area)."""
    AdminUnit = apps.get_model("cooperatives", "AdminUnit")
    SupportAction = apps.get_model("cooperatives", "SupportAction")
    for area_id in SupportAction.objects.values_list("area_id", flat=True).distinct():
        unit = AdminUnit.objects.get(pk=area_id)
        while unit.level not in ("province", "nation"):
            unit = unit.parent
        if unit.level == "province" and unit.structure == "63":
            unit = unit.successions.get().successor
        province = unit if unit.level == "province" else None
        SupportAction.objects.filter(area_id=area_id).update(province=province)


class Migration(migrations.Migration):
    dependencies = [("cooperatives", "0003_supportaction_province_rating_scheme_index")]

    operations = [migrations.RunPython(fill_action_provinces, migrations.RunPython.noop)]
