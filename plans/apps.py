from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = _("Kế hoạch và mục tiêu")

    def ready(self):
        from django.db.models.signals import pre_delete, pre_save

        from cooperatives.models import ROUND_ROW_MODELS, guard_round
        from plans import signals  # noqa: F401  (connects the recompute triggers)
        from plans.models import EnteredValue

        # Hand-entered values belong to a province's reporting round too (cooperatives.models).
        if EnteredValue not in ROUND_ROW_MODELS:
            ROUND_ROW_MODELS.append(EnteredValue)
        pre_save.connect(guard_round, sender=EnteredValue, dispatch_uid="guard_round_EnteredValue")
        pre_delete.connect(guard_round, sender=EnteredValue, dispatch_uid="guard_round_del_EnteredValue")
