"""Password reset and sign-in lockout give nothing away: the reset form answers a known and an
unknown address alike (only the known one gets mail), and a burst of wrong passwords locks the
account behind a Chinese page. The reset link itself is tested in tests/accounts/."""

import re

from django.conf import settings
from django.urls import reverse

from tests.world import PASSWORD, World


def _without_tokens(html: str) -> str:
    """The page without its CSRF token and CSP nonces, which differ from request to request."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def test_reset_answers_alike_for_known_and_unknown_addresses(
    client, world: World, mailoutbox
) -> None:
    user = world.users["fynu_contact"]
    user.email = "contact@fynu.edu.cn"
    user.save()
    answers = []
    for email in ("contact@fynu.edu.cn", "nobody@example.cn", "CONTACT@FYNU.EDU.CN"):
        response = client.post(reverse("password_reset"), {"email": email}, follow=True)
        answers.append(
            (
                response.redirect_chain,
                response.status_code,
                _without_tokens(response.content.decode()),
            )
        )
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == [(reverse("password_reset_done"), 302)]
    # Mail goes to the known account only (its address matched in any case), never to the
    # address typed for an unknown one.
    assert [m.to for m in mailoutbox] == [["contact@fynu.edu.cn"], ["contact@fynu.edu.cn"]]


def test_reset_form_refuses_a_malformed_address_without_looking_it_up(
    client, world: World, mailoutbox
) -> None:
    response = client.post(reverse("password_reset"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert "输入一个有效的 Email 地址" in response.content.decode()
    assert mailoutbox == []


def test_a_burst_of_wrong_passwords_locks_the_account_in_chinese(client, world: World) -> None:
    url = reverse("login")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "fynu_contact", "password": f"wrong{attempt}"})
        assert response.status_code == 200, attempt  # the form again, not yet locked
    response = client.post(url, {"username": "fynu_contact", "password": "wrong-last"})
    assert response.status_code == 429
    # Even the right password is refused now, and the page says so in Chinese.
    response = client.post(url, {"username": "fynu_contact", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="zh-CN"' in page
    assert "账号已暂时锁定" in page and "锁定 30 分钟" in page
    assert reverse("password_reset") in page
    # The lock does not tell whether the account exists: an unknown name locks the same way.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "no_such_user", "password": f"wrong{attempt}"})
    response = client.post(url, {"username": "no_such_user", "password": "anything"})
    assert response.status_code == 429 and "账号已暂时锁定" in response.content.decode()


def test_an_invited_person_without_a_password_can_ask_for_a_new_link(
    client, world: World, mailoutbox
) -> None:
    """An invitation leaves no usable password; when its link expired, reset is the way in."""
    user = world.users["fynu_contact"]
    user.email = "new@fynu.edu.cn"
    user.set_unusable_password()
    user.save()
    client.post(reverse("password_reset"), {"email": "new@fynu.edu.cn"})
    (message,) = mailoutbox
    assert message.to == ["new@fynu.edu.cn"]
    link = re.search(r"/reset/[\w-]+/[\w-]+/", message.body)
    assert link is not None
    page = client.get(link.group(0), follow=True)
    assert "new_password1" in page.content.decode()
    user.is_active = False  # a deactivated account still gets nothing
    user.save()
    client.post(reverse("password_reset"), {"email": "new@fynu.edu.cn"})
    assert len(mailoutbox) == 1
