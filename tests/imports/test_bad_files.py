"""Files that are not what they claim: each gets one clear Chinese sentence, never a traceback,
and nothing is imported. Also the pages of imports: who may use them, the preview, the
original file, and large files going to the background job."""

import io
import zipfile

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook

from imports import services
from imports.importers.round_setup import PAIRING_COLUMNS
from imports.models import ImportBatch, ImportStatus
from imports.workbook import ImportFileError, TableError, Workbook
from pairings.models import Pairing
from tests.imports.books import edit_sheet_xml, upload, xlsx

OLE = bytes.fromhex("D0CF11E0A1B11AE1")
PAIRINGS = [["结对类型", "支援方", "受援方"], ["高校结对帮扶薄弱院校", "华南师范大学", "嘉应学院"]]


def _read(data: bytes, name: str = "表.xlsx"):
    with Workbook(io.BytesIO(data), name=name) as book:
        return book.first_sheet().table(PAIRING_COLUMNS)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (OLE + b"\0" * 600, "旧表.xls", "是旧版 Excel 97-2003 工作簿（.xls）"),
        (OLE + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le"), "加密.xlsx", "设置了打开密码"),
        ("序号,推荐学校\n1,阿坝师范学院\n".encode(), "汇总表.xlsx", "是文本（CSV）文件"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "照片.xlsx", "不是有效的 Excel 工作簿"),
        (b"", "空.xlsx", "是空文件"),
    ],
)
def test_files_that_are_not_workbooks_get_a_clear_message(data, name, message):
    with pytest.raises(ImportFileError, match=message):
        _read(data, name)


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError, match="不是 Excel 工作簿"):
        _read(buffer.getvalue())


def test_a_zip_bomb_is_refused_before_parsing(settings):
    settings.IMPORT_UNZIPPED_MAX_BYTES = 10 * 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000  # tiny on disk
    with pytest.raises(ImportFileError, match="解压后超过"):
        _read(buffer.getvalue())


def test_an_entity_expansion_in_the_xml_is_not_expanded():
    """A billion-laughs sheet: entities are never resolved, so nothing grows."""

    def edit(content: bytes) -> bytes:
        body = content.split(b"?>", 1)[-1]
        return (
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            + body.replace(
                b"</sheetData>",
                b"<row r='9'><c t='inlineStr'><is><t>&b;</t></is></c></row></sheetData>",
            )
        )

    data = edit_sheet_xml(xlsx({"结对": PAIRINGS}), edit)
    table = _read(data)
    assert all("aaaa" not in str(value) for row in table.rows for value in row.values.values())


def test_an_empty_sheet_says_so():
    with pytest.raises(TableError) as caught:
        _read(xlsx({"汇总表": []}))
    assert str(caught.value.problems[0]) == "「汇总表」：工作表是空的，没有任何内容。"


def test_a_sheet_longer_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 1_000
    book = OpenpyxlWorkbook(write_only=True)
    sheet = book.create_sheet("结对")
    for row in PAIRINGS * 600:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TableError, match="工作表超过 1,000 行"):
        _read(buffer.getvalue())


def test_a_formula_is_read_as_its_cached_value_and_one_without_a_value_is_reported(world):
    """openpyxl saves formulas without results (like a program would); Excel saves both.
    Neither is ever evaluated."""
    data = xlsx({"结对": [*PAIRINGS, ["高校结对帮扶薄弱院校", '="华南"&"师范大学"', "嘉应学院"]]})
    batch = services.batch_upload(
        user=world.users["admin"],
        kind="round_setup",
        params={"programme": world.programme.pk},
        upload=upload(data),
    )
    assert batch.status == ImportStatus.INVALID
    assert [(p["row"], p["column"]) for p in batch.problems] == [(3, "支援方")], batch.problems
    assert batch.problems[0]["message"].startswith('是公式“="华南"&"师范大学"”，但文件中没有保存')


def test_the_error_page_counts_the_problems(client, world):
    data = xlsx({"结对": [*PAIRINGS, ["高校结对帮扶薄弱院校", "某大学", "某学院"]]})
    batch = services.batch_upload(
        user=world.users["admin"],
        kind="round_setup",
        params={"programme": world.programme.pk},
        upload=upload(data),
    )
    client.force_login(world.users["admin"])
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "2 处错误（没有导入任何数据）" in page
    assert "找不到单位“某大学”" in page


def test_a_file_over_the_size_limit_is_refused_and_not_kept(world, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1_000
    with pytest.raises(Exception, match="的导入上限"):
        services.batch_upload(
            user=world.users["admin"],
            kind="round_setup",
            params={"programme": world.programme.pk},
            upload=upload(b"PK" + b"\0" * 2_000),
        )
    assert not ImportBatch.objects.exists()


def test_a_bad_file_is_recorded_with_its_message(world):
    batch = services.batch_upload(
        user=world.users["admin"],
        kind="round_setup",
        params={"programme": world.programme.pk},
        upload=upload(OLE + b"\0" * 600, "旧表.xls"),
    )
    assert batch.status == ImportStatus.INVALID
    assert "另存为" in batch.error
    assert batch.file and batch.uploaded_by == world.users["admin"]


# Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["bnu_coordinator", "anhui_edu", "fynu_contact", "alice"])
def test_only_importers_reach_the_import_pages(client, world, username):
    user = world.alice if username == "alice" else world.users[username]
    client.force_login(user)
    batch = services.batch_upload(
        user=world.users["admin"],
        kind="round_setup",
        params={"programme": world.programme.pk},
        upload=upload(xlsx({"结对": PAIRINGS})),
    )
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/new/round_setup/").status_code == 403
    assert client.get("/imports/template/round_setup/").status_code == 403
    assert client.get(f"/imports/{batch.pk}/").status_code == 404
    assert client.get(f"/imports/{batch.pk}/file/").status_code == 404
    assert client.post(f"/imports/{batch.pk}/confirm/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY


def test_upload_preview_confirm_through_the_pages(client, world, django_assert_max_num_queries):
    client.force_login(world.users["admin"])
    Pairing.objects.filter(supported=world.jiaying).delete()
    response = client.post(
        "/imports/new/round_setup/",
        {
            "programme": world.programme.pk,
            "phase": world.phase.pk,
            "file": upload(xlsx({"结对": PAIRINGS})),
        },
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    # The preview page reads the stored preview: a fixed number of queries.
    with django_assert_max_num_queries(8):
        page = client.get(response["Location"])
    assert "华南师范大学 → 嘉应学院" in page.content.decode()
    assert "确认导入" in page.content.decode()
    client.post(f"/imports/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert Pairing.objects.filter(supported=world.jiaying, phase=world.phase).exists()
    original = client.get(f"/imports/{batch.pk}/file/")
    assert b"".join(original.streaming_content) == batch.file.open("rb").read()
    listing = client.get("/imports/").content.decode()
    assert batch.title in listing


def test_a_large_file_is_checked_in_the_background(
    world, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_ROWS = 1
    Pairing.objects.filter(supported=world.jiaying).delete()
    data = xlsx({"结对": [*PAIRINGS, ["高校结对帮扶薄弱院校", "广州大学", "嘉应学院"]]})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.batch_upload(
            user=world.users["admin"],
            kind="round_setup",
            params={"programme": world.programme.pk, "phase": world.phase.pk},
            upload=upload(data),
        )
    assert batch.status == ImportStatus.CHECKING  # the request did not wait
    assert len(callbacks) == 1
    callbacks[0]()  # the Celery task, eager in tests
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY and batch.counts["new"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_confirm(user=world.users["admin"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert Pairing.objects.filter(supported=world.jiaying, phase=world.phase).count() == 2


def test_a_data_administrator_with_the_permission_imports_without_being_superuser(client, world):
    from django.contrib.auth.models import Permission

    world.alice.is_staff = True
    world.alice.save()
    world.alice.user_permissions.add(Permission.objects.get(codename="run_import"))
    client.force_login(world.alice)
    assert client.get("/imports/").status_code == 200
    assert "导入" in client.get("/programmes/").content.decode()  # the nav link
    template = client.get("/imports/template/round_setup/")
    assert template.status_code == 200
    assert template["Content-Disposition"].endswith(".xlsx")
