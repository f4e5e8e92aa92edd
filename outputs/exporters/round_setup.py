"""本轮设置 — a programme round's regions, institutions and pairings in the flat sheets the
round-setup import reads (imports/importers/round_setup.py), so a round can be exported,
edited in Excel and imported back."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.selectors import User, can_import
from imports.importers.base import ProgrammeRoundForm
from imports.importers.round_setup import round_setup_workbook
from outputs.exporters.base import (
    XLSX,
    Exporter,
    Output,
    ProgressCallback,
    param_pk,
    register,
)
from programmes.models import Phase, Programme


class RoundSetupForm(ProgrammeRoundForm):
    """The import's programme and round (with its check that they belong together), no file."""

    file = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].help_text = _l("留空则导出不分轮次的结对。")


@register
class RoundSetupExporter(Exporter):
    kind = "round_setup_xlsx"
    name = _l("本轮设置（地区、单位和结对）")
    description = _l("与“批量设置”导入模板格式相同，修改后可以直接导入。")
    form_class = RoundSetupForm

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        # The whole round across provinces: the administrators who import it.
        return can_import(user)

    def _subject(self) -> tuple[Programme, Phase | None]:
        programme = Programme.objects.get(pk=param_pk(self.params, "programme"))
        phase = Phase.objects.filter(pk=param_pk(self.params, "phase"), programme=programme).first()
        return programme, phase

    def title(self) -> str:
        programme, phase = self._subject()
        round_name = f" · {phase.name}" if phase else ""
        return _("%(programme)s%(round)s 本轮设置") % {
            "programme": programme.short_name,
            "round": round_name,
        }

    def run(self, progress: ProgressCallback) -> Output:
        programme, phase = self._subject()
        progress(0, 1, _("正在读取结对"))
        data = round_setup_workbook(programme=programme, phase=phase, example=False)
        filename = f"{self.title()}.xlsx".replace(" ", "")
        return Output(filename, XLSX, data)
