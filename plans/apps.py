from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = _("Kế hoạch và mục tiêu")

    def ready(self):
        from plans import signals  # noqa: F401  (connects the recompute triggers)
