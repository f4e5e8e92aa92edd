"""manage.py import_applications — import a province's summary table (汇总表) from a shell.

The file goes through the same services as an upload on the imports page (recorded as an
import, checked, then applied in one transaction), so the shell and the web give the same
result and leave the same record; with --dry-run the import is checked, shown and then
cancelled (its record stays, marked 已取消).
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from imports import services
from imports.importers.base import STATUS_LABELS
from imports.importers.summary_table import SummaryTableForm, SummaryTableImporter
from imports.models import ImportBatch, ImportStatus
from imports.workbook import Problem, did_you_mean
from programmes.models import Phase, Programme
from schools.models import Region


class Command(BaseCommand):
    # argparse needs plain text here, not a lazy translation.
    help = "导入省级教育行政部门报送的重点支持学校汇总表（附件3），建立或更新各校的申报。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("汇总表文件（.xlsx）"))
        parser.add_argument("--programme", required=True, help=_("计划的标识（slug）"))
        parser.add_argument("--phase", type=int, help=_("阶段 / 轮次的序号"))
        parser.add_argument("--province", help=_("省份名称，如“四川省”或“四川”；省略时按文件判断"))
        parser.add_argument("--user", help=_("以哪个用户的名义导入；省略时用唯一的超级用户"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查并显示预览，不写入"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件“%(path)s”。") % {"path": path})
        user = _user(options["user"])
        params = _params(options)
        with path.open("rb") as stream:
            upload = UploadedFile(
                stream, name=path.name, content_type=services.XLSX, size=path.stat().st_size
            )
            form = SummaryTableForm(params, {"file": upload}, user=user)
            if not form.is_valid():
                raise CommandError(
                    "；".join(str(e) for errors in form.errors.values() for e in errors)
                )
            batch = services.batch_upload(
                user=user, kind=SummaryTableImporter.kind, params=form.to_params(), upload=upload
            )
        self._report(batch)
        if batch.status == ImportStatus.CHECKING:
            self.stdout.write(
                _("文件较大，已交给后台检查；请在“数据导入”页面查看导入记录 #%(pk)d。")
                % {"pk": batch.pk}
            )
            return
        if batch.status != ImportStatus.READY:
            raise CommandError(_("有错误，没有导入任何数据。"))
        if options["dry_run"]:
            services.batch_discard(user=user, batch=batch)
            self.stdout.write(_("仅检查（--dry-run），没有写入任何数据。"))
            return
        batch = services.batch_confirm(user=user, batch=batch)
        if batch.status != ImportStatus.APPLIED:
            raise CommandError(batch.error or _("导入失败，没有写入任何数据。"))
        counts = batch.applied_counts
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已导入：新增申报 %(new)d 个，更新 %(updated)d 个，%(unchanged)d 个无变化；"
                    "新建学校 %(institutions)d 所，新增或更新联系人 %(contacts)d 位。"
                )
                % {
                    k: counts.get(k, 0)
                    for k in ("new", "updated", "unchanged", "institutions", "contacts")
                }
            )
        )

    def _report(self, batch: ImportBatch) -> None:
        """Every problem and warning, then the preview, as the imports page shows them."""
        self.stdout.write(batch.title)
        if batch.error:
            self.stderr.write(batch.error)
        for problem in batch.problems:
            self.stderr.write(_("错误：") + str(Problem(**problem)))
        for warning in batch.warnings:
            self.stdout.write(_("提示：") + str(Problem(**warning)))
        for row in batch.preview:
            status = str(STATUS_LABELS.get(row["status"], row["status"]))
            self.stdout.write(
                _("第 %(row)d 行 %(label)s：%(status)s")
                % {"row": row["row"], "label": row["label"], "status": status}
            )
            for field, old, new in row["changes"]:
                self.stdout.write(f"    {field}：{old} → {new}")


def _user(username: str | None) -> User:
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(_("找不到用户“%(name)s”。") % {"name": username})
        return user
    superusers = list(users.filter(is_superuser=True)[:2])
    if len(superusers) != 1:
        raise CommandError(_("请用 --user 指定以哪个用户的名义导入。"))
    return superusers[0]


def _params(options: dict[str, Any]) -> dict[str, Any]:
    """The form data the imports page would send, from the names typed in the shell."""
    programme = Programme.objects.filter(slug=options["programme"]).first()
    if programme is None:
        slugs = Programme.objects.values_list("slug", flat=True)
        raise CommandError(
            _("找不到标识为“%(slug)s”的计划") % {"slug": options["programme"]}
            + (did_you_mean(options["programme"], slugs) or "。")
        )
    params: dict[str, Any] = {"programme": programme.pk}
    if options["phase"] is not None:
        phase = Phase.objects.filter(programme=programme, number=options["phase"]).first()
        if phase is None:
            raise CommandError(
                _("“%(programme)s”没有序号为 %(number)d 的阶段 / 轮次。")
                % {"programme": programme.name, "number": options["phase"]}
            )
        params["phase"] = phase.pk
    if options["province"]:
        provinces = Region.objects.provinces()
        province = provinces.matching(options["province"]).first()
        if province is None:
            raise CommandError(
                _("找不到省份“%(name)s”") % {"name": options["province"]}
                + (did_you_mean(options["province"], [p.name for p in provinces]) or "。")
            )
        params["province"] = province.pk
    return params
