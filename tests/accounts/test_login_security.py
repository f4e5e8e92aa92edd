"""Sign-in hardening: lockout after repeated failures, password reset by email, sessions."""

from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.world import PASSWORD, World


def test_five_failures_lock_the_account(client, world: World) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "fynu_contact", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "fynu_contact", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    # Another account from the same address is not affected.
    response = client.post(reverse("login"), {"username": "ahnu_contact", "password": PASSWORD})
    assert response.status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(client, world: World) -> None:
    user = world.users["fynu_contact"]
    user.email = "contact@fynu.edu.cn"
    user.save()
    response = client.post(reverse("password_reset"), {"email": "contact@fynu.edu.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/reset/" in line).strip()
    path = link[link.index("/reset/") :]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"new_password1": "Xietong-tizhi-2026", "new_password2": "Xietong-tizhi-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xietong-tizhi-2026")


def test_sessions_expire() -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
