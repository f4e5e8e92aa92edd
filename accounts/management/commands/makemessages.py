"""makemessages that also collects `_l("…")` (gettext_lazy imported as `_l`, our habit for
model fields and form labels), which xgettext does not know by default."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
