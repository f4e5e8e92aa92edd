"""Structured logs carry the request or task they came from; errors in views and failed
background tasks are mailed to the administrators; a server error shows a Chinese page."""

import io
import json
import logging

import pytest
from django.contrib.auth.decorators import login_required
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.urls import path

import config.urls
from config.celery import app
from config.logging import ContextFilter, JsonFormatter


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("数据库里没有这一行")


@login_required
def noisy(request: HttpRequest) -> HttpResponse:
    logging.getLogger("projects.views").info("保存了项目", extra={"project_id": 7})
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("noisy/", noisy), *config.urls.urlpatterns]


@app.task(name="tests.ops.failing_task")
def failing_task() -> None:
    logging.getLogger("imports.tasks").info("开始导入")
    raise ValueError("表格第 3 行无法读取")


@pytest.mark.urls("tests.ops.test_logging")
def test_log_lines_are_json_with_context(client, django_user_model) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        user = django_user_model.objects.create_user("logger", password="x")
        client.force_login(user)
        ok = client.get("/noisy/", headers={"X-Request-ID": "proxy-id-12345"})
        forged = client.get("/noisy/", headers={"X-Request-ID": 'x\n{"level": "ERROR"}'})
        client.get("/missing/")
    finally:
        root.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]

    assert ok["X-Request-ID"] == "proxy-id-12345"
    # A header that is not a plain id (log forging) is replaced by one of our own.
    assert len(forged["X-Request-ID"]) == 32 and forged["X-Request-ID"].isalnum()
    saved = [line for line in lines if line["message"] == "保存了项目"]
    assert saved[0] | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "projects.views",
        "message": "保存了项目",
        "project_id": 7,
        "request_id": "proxy-id-12345",
        "method": "GET",
        "path": "/noisy/",
        "user_id": user.pk,
    }
    assert saved[1]["request_id"] == forged["X-Request-ID"]
    # django.request logs the 404 after the middleware has finished: still placed.
    (not_found,) = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["level"] == "WARNING" and not_found["path"] == "/missing/"
    assert not_found["status_code"] == 404 and len(not_found["request_id"]) == 32


@pytest.mark.urls("tests.ops.test_logging")
def test_an_unhandled_error_mails_the_admins_and_shows_a_chinese_page(client, settings) -> None:
    settings.ADMINS = ["ops@example.edu.cn"]
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="zh-CN"' in page and "服务器出错" in page and "数据库里没有" not in page
    (message,) = mail.outbox
    assert message.to == ["ops@example.edu.cn"]
    assert message.subject.startswith("[协同提质] ERROR") and "/boom/" in message.subject
    assert "RuntimeError at /boom/\n数据库里没有这一行" in message.body


def test_a_failed_background_task_mails_the_admins(settings) -> None:
    settings.ADMINS = ["ops@example.edu.cn"]
    result = failing_task.apply(throw=False)  # as in the worker: signals, nothing raised
    assert result.failed()
    (message,) = mail.outbox
    assert "tests.ops.failing_task" in message.subject
    assert "ValueError\n表格第 3 行无法读取" in message.body and "Traceback" in message.body
