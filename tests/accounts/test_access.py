import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "accounts:agent_dashboard",
    "accounts:supervisor_dashboard",
    "accounts:admin_dashboard",
    "accounts:editor_dashboard",
]


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_a_cardholder_opening_a_staff_page_is_refused(client_for, cardholder, page):
    response = client_for(cardholder).get(reverse(page))
    assert response.status_code == 403
    assert "You are not allowed to open this page" in response.content.decode()


def test_the_refusal_speaks_the_users_language(client_for, cardholder):
    client = client_for(cardholder)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("accounts:agent_dashboard"))
    assert response.status_code == 403
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "您无权打开此页面" in response.content.decode()


def test_staff_cannot_open_the_cardholder_portal(client_for, agent):
    assert client_for(agent).get(reverse("cases:portal")).status_code == 403


@pytest.mark.parametrize(
    ("persona", "allowed", "refused"),
    [
        ("agent", "accounts:agent_dashboard", "accounts:supervisor_dashboard"),
        ("supervisor", "accounts:supervisor_dashboard", "accounts:admin_dashboard"),
        ("editor", "accounts:editor_dashboard", "accounts:agent_dashboard"),
        ("admin", "accounts:admin_dashboard", "accounts:supervisor_dashboard"),
    ],
)
def test_each_staff_role_opens_only_its_pages(request, client_for, persona, allowed, refused):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(allowed)).status_code == 200
    assert client.get(reverse(refused)).status_code == 403


def test_navigation_shows_only_what_the_role_may_open(client_for, cardholder):
    html = client_for(cardholder).get(reverse("cases:portal")).content.decode()
    assert reverse("accounts:profile") in html
    assert reverse("accounts:agent_dashboard") not in html


def test_the_page_has_a_skip_link_and_landmarks(client_for, cardholder):
    html = client_for(cardholder).get(reverse("cases:portal")).content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header>" in html
    assert '<nav class="navbar' in html


def test_a_user_without_a_role_is_told_so(client, password):
    from tests.factories import UserFactory

    user = UserFactory.create(email="norole@example.test")
    user.groups.clear()
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    assert "has no role yet" in response.content.decode()


def test_admins_read_the_admin_site_but_cannot_change_cases(client_for, admin):
    client = client_for(admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/cases/hardshipcase/").status_code == 200
    assert client.get("/admin/cases/hardshipcase/add/").status_code == 403


def test_agents_cannot_open_the_admin_site(client_for, agent):
    response = client_for(agent).get("/admin/")
    assert response.status_code == 302


def test_a_change_to_a_roles_permissions_applies_at_once(client_for, agent):
    from django.contrib.auth.models import Group, Permission

    client = client_for(agent)
    assert client.get("/staff/queue/").status_code == 200
    group = Group.objects.get(name="agent")
    group.permissions.remove(Permission.objects.get(codename="work_cases"))
    assert client.get("/staff/queue/").status_code == 403
