from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = _("数据导入")

    def ready(self) -> None:
        from imports import importers  # noqa: F401  (registers the importers)
