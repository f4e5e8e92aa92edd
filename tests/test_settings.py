"""Production settings pass Django's deployment checks; the embedded default needs no broker."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "xtzt.example.edu.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_chinese_first_english_available() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


def test_no_broker_means_tasks_run_in_process() -> None:
    if os.environ.get("CELERY_BROKER_URL"):
        assert not settings.CELERY_TASK_ALWAYS_EAGER
    else:
        assert settings.CELERY_TASK_ALWAYS_EAGER


def test_browser_language_does_not_switch_away_from_chinese(client) -> None:
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-CN"' in response.content.decode()
    assert "登录" in response.content.decode()


def test_the_user_can_choose_english(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    body = client.get("/login/").content.decode()
    assert '<html lang="en"' in body
    assert "Sign in" in body and "Username" in body


def test_every_message_has_an_english_translation() -> None:
    po = (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""') or 'msgstr[0] ""' in e]
    assert not untranslated, untranslated[:3]
    assert "#, fuzzy" not in po


def test_kept_database_connections_are_checked_before_reuse() -> None:
    """After a PostgreSQL restart, requests must not fail on the dead kept connections
    (seen in the restart drill: one 500 per gunicorn thread before this was set)."""
    database = settings.DATABASES["default"]
    assert (database["CONN_MAX_AGE"] or 0) > 0 and database["CONN_HEALTH_CHECKS"] is True
