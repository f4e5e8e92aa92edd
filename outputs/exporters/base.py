"""The exporter contract (after pretix's exporters): one class per output.

An exporter names its kind, the queue it runs on, the form that collects its parameters
(choices drawn from the user's scope) and who may have it; `run` produces the file. The job
machinery (outputs/services.py, outputs/tasks.py) does the rest: the row, the queue, progress,
storage, expiry and the scoped download.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms

from accounts.selectors import User

# progress(done, total, stage): how far the exporter has come, and what it is doing now.
ProgressCallback = Callable[[int, int, str], None]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@dataclass(frozen=True)
class Output:
    filename: str
    content_type: str
    data: bytes


def param_pk(params: Mapping[str, Any], name: str) -> int:
    """A primary key from job parameters (0, which matches nothing, when absent or garbled)."""
    try:
        return int(params.get(name) or 0)
    except (TypeError, ValueError):
        return 0


class ExportForm(forms.Form):
    """Parameters of one output, with choices limited to what the user may see."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def limit(self, name: str, queryset: Any) -> None:
        """Offer only these choices in a model choice field (the user's scope); when there
        is just one, it is chosen already."""
        self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        if not self.is_bound and not self.initial.get(name) and self.fields[name].required:
            choices = list(queryset.values_list("pk", flat=True)[:2])
            if len(choices) == 1:
                self.initial[name] = choices[0]

    def to_params(self) -> dict[str, Any]:
        """JSON-safe parameters for the job (model choices become primary keys)."""
        params = {}
        for name, value in self.cleaned_data.items():
            params[name] = value.pk if hasattr(value, "pk") else value
        return params


class Exporter:
    kind: ClassVar[str]
    name: ClassVar[Any]  # lazy translation
    description: ClassVar[Any] = ""
    queue: ClassVar[str] = "celery"  # "pdf" for WeasyPrint work
    form_class: ClassVar[type[ExportForm]]

    def __init__(self, params: dict[str, Any], user: Any = None) -> None:
        self.params = params
        self.user = user  # who asked (in the worker: the job's requester), for row scoping

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        """Whether the user may have this output with these parameters, decided by the rules
        in accounts/selectors.py. Checked when the job is asked for and again at download."""
        raise NotImplementedError

    def title(self) -> str:
        """What the job list shows, e.g. “北京师范大学组团 · 2025年第3季度 季度工作汇总”."""
        raise NotImplementedError

    def run(self, progress: ProgressCallback) -> Output:
        raise NotImplementedError


EXPORTERS: dict[str, type[Exporter]] = {}


def register(exporter: type[Exporter]) -> type[Exporter]:
    EXPORTERS[exporter.kind] = exporter
    return exporter


def exporter_for(kind: str) -> type[Exporter]:
    return EXPORTERS[kind]
