"""The Content-Security-Policy and the other security headers.

Every page allows scripts, styles and fonts from our own origin only, no inline script
without the response's nonce and no inline style; our templates hold neither (the admin's
pages are opened in Chromium by tests/e2e/test_csp_admin.py). With the production
settings, a request over HTTPS gets HSTS and cookies that are Secure (the session's also
HttpOnly).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.csp import CSP

from tests.world import World

ROOT = Path(__file__).resolve().parents[2]
# Typeset by WeasyPrint into PDFs (outputs/pdf.py), never served to a browser.
PDF_TEMPLATES = {"bulletins/bulletin_pdf.html", "outputs/pdf/"}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in header.split(";")
        if directive.strip()
    }


def test_pages_get_the_strict_policy_with_a_fresh_nonce(client, world: World) -> None:
    assert CSP.NONCE in settings.SECURE_CSP["script-src"]
    client.force_login(world.users["fynu_contact"])
    nonces = []
    for _ in range(2):
        response = client.get(reverse("programmes:list"))
        assert response.status_code == 200
        rules = policy(response)
        nonce = re.search(r'<script [^>]*nonce="([^"]+)"', response.content.decode())
        assert nonce is not None
        assert rules["script-src"] == ["'self'", f"'nonce-{nonce.group(1)}'"]
        nonces.append(nonce.group(1))
        assert rules["style-src"] == ["'self'"]
        assert rules["default-src"] == ["'self'"] and rules["object-src"] == ["'none'"]
        assert rules["frame-ancestors"] == ["'none'"] and rules["base-uri"] == ["'self'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert nonces[0] != nonces[1]


def _templates() -> list[tuple[str, str]]:
    found = []
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        for path in folder.rglob("*.html"):
            name = path.relative_to(folder).as_posix()
            if not any(name.startswith(p) for p in PDF_TEMPLATES):
                found.append((name, path.read_text(encoding="utf-8")))
    return found


def test_templates_hold_no_inline_script_or_style() -> None:
    templates = _templates()
    assert len(templates) > 50  # the folders were found
    offending = []
    for name, text in templates:
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'nonce="{{ csp_nonce }}"' not in tag:
                offending.append(f"{name}: {tag}")
        offending += [f"{name}: <style>" for _ in re.findall(r"<style\b", text)]
        offending += [f"{name}: {m}" for m in re.findall(r"\sstyle=\S+", text)]
        offending += [f"{name}: {m}" for m in re.findall(r"\son[a-z]+=\S+", text)]
        offending += [f"{name}: {m}" for m in re.findall(r"javascript:", text)]
    assert not offending


def test_production_serves_https_with_hsts_and_secure_cookies(tmp_path: Path) -> None:
    """One subprocess with the production settings: a page asked over HTTP is sent to HTTPS;
    over HTTPS it carries HSTS and a Secure CSRF cookie. The session cookie is checked on
    Django's own session middleware with cookie-based sessions (the subprocess has no
    database), the flags being the production settings'."""
    script = """
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import setup_test_environment
from django.contrib.sessions.middleware import SessionMiddleware

from django.conf import settings

# The manifest of static files exists only after collectstatic (the image builds it).
plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}).enable()
setup_test_environment()
client = Client(HTTP_HOST="xtzt.example.edu.cn")
plain = client.get("/login/")
print("plain", plain.status_code, plain["Location"])
page = client.get("/login/", secure=True)
print("https", page.status_code, page["Strict-Transport-Security"])
csrf = page.cookies["csrftoken"]
print("csrf", bool(csrf["secure"]), bool(csrf["httponly"]))

def touch(request):
    request.session["seen"] = True
    return HttpResponse()

with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"):
    request = RequestFactory().get("/", secure=True)
    session = SessionMiddleware(touch)(request).cookies["sessionid"]
print("session", bool(session["secure"]), bool(session["httponly"]))
"""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "xtzt.example.edu.cn,testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["plain"] == "301 https://xtzt.example.edu.cn/login/"
    assert lines["https"] == "200 max-age=31536000; includeSubDomains; preload"
    assert lines["csrf"] == "True False"
    assert lines["session"] == "True True"
