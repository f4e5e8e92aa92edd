from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutputsConfig(AppConfig):
    name = "outputs"
    verbose_name = _("导出与文档生成")

    def ready(self) -> None:
        # Importing the exporters registers them.
        from outputs import exporters  # noqa: F401
