"""Coordinators invite people into their consortium, set their role, remove them; all audited."""

from django.core import mail
from django.urls import reverse

from accounts.models import Affiliation
from tests.world import World


def people_url(world: World) -> str:
    return reverse("accounts:people", args=[world.consortium.pk])


def test_coordinator_invites_a_contact_who_sets_a_password_and_gets_in(
    client, world: World, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.users["bnu_coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            people_url(world),
            {
                "full_name": "王老师",
                "email": "Wang@AbTC.edu.cn",
                "institution": world.abtc.pk,
                "role": "information_officer",
            },
        )
    assert response.status_code == 302
    affiliation = Affiliation.objects.get(user__email="wang@abtc.edu.cn")
    assert affiliation.institution == world.abtc and affiliation.role == "information_officer"
    assert len(mail.outbox) == 1 and "阿坝师范学院" in mail.outbox[0].body
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    client.logout()
    response = client.get(link[link.index("/reset/") :], follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Aba-xietong-2026", "new_password2": "Aba-xietong-2026"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("login"), {"username": "wang@abtc.edu.cn", "password": "Aba-xietong-2026"}
    )
    assert response.status_code == 302
    assert client.get(reverse("schools:institution", args=[world.abtc.pk])).status_code == 200
    assert (
        client.get(reverse("pairings:consortium", args=[world.other_consortium.pk])).status_code
        == 404
    )


def test_invite_errors_are_in_chinese_and_save_nothing(client, world: World) -> None:
    client.force_login(world.users["bnu_coordinator"])
    before = Affiliation.objects.count()
    response = client.post(
        people_url(world),
        {
            "full_name": "李老师",
            "email": "not-an-email",
            "institution": world.jiaying.pk,
            "role": "coordinator",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "输入一个有效的 Email 地址" in body  # the email field
    assert "选择一个有效的选项" in body  # 嘉应学院 is not a member of this consortium
    response = client.post(
        people_url(world),
        {
            "full_name": "李老师",
            "email": "li@fynu.edu.cn",
            "institution": world.fynu.pk,
            "role": "coordinator",
        },
    )
    assert "协调人只能设在牵头高校。" in response.content.decode()
    assert Affiliation.objects.count() == before


def test_removing_a_role_takes_access_away_and_is_recorded(client, world: World) -> None:
    coordinator = world.users["bnu_coordinator"]
    client.force_login(coordinator)
    target = Affiliation.objects.get(user=world.users["ahnu_contact"])
    response = client.post(reverse("accounts:remove", args=[world.consortium.pk, target.pk]))
    assert response.status_code == 302
    assert not Affiliation.objects.filter(pk=target.pk).exists()
    body = client.get(reverse("accounts:history", args=[world.consortium.pk])).content.decode()
    assert "ahnu_contact：安徽师范大学 · 单位联系人" in body
    assert "删除" in body and "bnu_coordinator" in body  # who did it

    client.force_login(world.users["ahnu_contact"])
    url = reverse("schools:institution", args=[world.ahnu.pk])
    assert client.get(url).status_code == 404


def test_only_the_consortium_coordinator_manages_people(client, world: World) -> None:
    url = people_url(world)
    client.force_login(world.users["fynu_contact"])  # sees the consortium, does not run it
    assert client.get(url).status_code == 403
    target = Affiliation.objects.get(user=world.users["ahnu_contact"])
    assert (
        client.post(reverse("accounts:remove", args=[world.consortium.pk, target.pk])).status_code
        == 403
    )
    client.force_login(world.users["carol"])  # coordinates the other consortium only
    assert client.get(url).status_code == 403  # she sees BNU's as 川师大 contact
    assert client.get(reverse("accounts:history", args=[world.consortium.pk])).status_code == 403
    client.force_login(world.users["guangdong_edu"])
    assert client.get(url).status_code == 404  # cannot even see it
    # carol cannot remove a BNU person through her own consortium's URL either.
    client.force_login(world.users["carol"])
    response = client.post(reverse("accounts:remove", args=[world.other_consortium.pk, target.pk]))
    assert response.status_code == 404
    assert Affiliation.objects.filter(pk=target.pk).exists()


def test_people_page_lists_consortium_people_only(client, world: World) -> None:
    client.force_login(world.users["bnu_coordinator"])
    names = {a.user.username for a in client.get(people_url(world)).context["affiliations"]}
    assert {
        "bnu_coordinator",
        "ahnu_contact",
        "fynu_contact",
        "fynu_info",
        "anhui_edu",
        "bnu_expert",
        "carol",
    } == names  # carol as 川师大 contact, not as SCNU coordinator
