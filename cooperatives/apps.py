from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


class CooperativesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cooperatives"
    verbose_name = _("Tổ chức kinh tế hợp tác")

    def ready(self):
        from cooperatives import signals
        from cooperatives.models import ROUND_ROW_MODELS, guard_round

        # A locked reporting round refuses any save or delete of its rows (cascades included).
        for model in ROUND_ROW_MODELS:
            pre_save.connect(guard_round, sender=model, dispatch_uid=f"guard_round_{model.__name__}")
            pre_delete.connect(guard_round, sender=model, dispatch_uid=f"guard_round_del_{model.__name__}")

        # Every save and delete of a registry row announces itself (signals.registry_changed).
        for model in signals.KINDS:
            post_save.connect(signals.row_saved, sender=model)
            post_delete.connect(signals.row_deleted, sender=model)
