"""CSRF: every URL that changes state on POST refuses a POST without the token (403, nothing
changed), made by someone who could otherwise make it — sign-in, sign-out, the language
switch and password reset included. The list is the URL sweep's table (PROBES), which fails
on any URL pattern it does not know; no view of the site is exempt from the check.
"""

from django.test import Client
from django.urls import reverse

from tests.security.test_url_sweep import (
    PROBES,
    Territory,
    build_territory,
    changed,
    fingerprint,
    url_patterns,
)
from tests.world import PASSWORD, World


def test_no_view_is_exempt_from_the_csrf_check() -> None:
    exempt = [name for name, p in url_patterns() if getattr(p.callback, "csrf_exempt", False)]
    assert not exempt


def test_a_post_without_the_token_is_refused_and_changes_nothing(
    world: World, django_capture_on_commit_callbacks
) -> None:
    t: Territory = build_territory(world, django_capture_on_commit_callbacks)
    client = Client(enforce_csrf_checks=True)
    failures = []
    for name, probe in PROBES.items():
        if not probe.post:
            continue
        assert probe.doer, f"{name}: say who may make the POST (owner or actor)"
        client.logout()
        if probe.doer != "anon":
            client.force_login(t.users[probe.doer])
        url = probe.url(name, t)
        before = fingerprint()
        response = client.post(url, probe.data(t))
        if response.status_code != 403:
            failures.append(f"{name:40} {url}: {response.status_code}")
        if changed(before, fingerprint()):
            failures.append(f"{name:40} {url}: changed {changed(before, fingerprint())}")
    assert not failures, "\n".join(failures)


def test_the_same_post_with_the_token_gets_through(world: World) -> None:
    """The control: the refusals above are the missing token's, not the client's."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        {"username": "fynu_contact", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["fynu_contact"].pk)
