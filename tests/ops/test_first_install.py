"""README's production section, step by step on an empty database: load the regions, create
the administrator, add the programme and its first round in the admin, import a province's
汇总表 from a shell — the way a new installation starts."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from programmes.models import Application, Programme
from schools.models import Institution, Region
from tests.imports.test_summary_table import VALID, ministry_book

pytestmark = pytest.mark.django_db


def test_a_new_installation_imports_its_first_round(tmp_path, monkeypatch, capsys) -> None:
    call_command("load_regions")
    assert "新增 3" in capsys.readouterr().out  # 3,4xx regions of the whole country
    assert Region.objects.filter(name="美姑县", parent__name="凉山彝族自治州").exists()
    call_command("load_regions")
    assert "新增 0 个地区" in capsys.readouterr().out

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password-2026")
    call_command("createsuperuser", "--noinput", username="admin", email="ops@example.edu.cn")
    superuser = User.objects.get(username="admin", is_superuser=True)
    assert superuser.check_password("a-long-admin-password-2026")
    admin = Client()
    admin.force_login(superuser)

    add = admin.get("/admin/programmes/programme/add/").content.decode()
    management = dict(re.findall(r'name="([\w-]+_FORMS)" value="(\d+)"', add))
    response = admin.post(
        "/admin/programmes/programme/add/",
        {
            **management,
            "name": "师范教育协同提质计划",
            "short_name": "协同提质计划",
            "slug": "national",
            "level": "national",
            "issuing_authority": "教育部办公厅",
            "document_number": "教师厅函〔2022〕2号",
            "starts_on": "2022-01-01",
            "ends_on": "2025-12-31",
            "reporting_cadence": "quarterly",
            "min_supporting_members": "3",
            "phases-TOTAL_FORMS": "1",
            "phases-0-kind": "phase",
            "phases-0-number": "1",
            "phases-0-name": "第一期",
            "phases-0-starts_on": "2022-01-01",
            "phases-0-ends_on": "2025-12-31",
        },
    )
    errors = re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode())
    assert response.status_code == 302, errors
    programme = Programme.objects.get(slug="national")

    book = tmp_path / "四川省汇总表.xlsx"
    book.write_bytes(ministry_book(VALID))
    call_command("import_applications", str(book), "--programme", "national", "--phase", "1")
    out = capsys.readouterr().out
    assert Application.objects.filter(programme=programme).count() == len(VALID), out
    assert Institution.objects.filter(name="乐山师范学院", region__name="乐山市").exists()
