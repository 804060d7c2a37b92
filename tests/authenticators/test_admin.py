import pytest

from authenticators.models import Application, Authenticator


@pytest.mark.django_db
def test_national_admin_sees_the_catalogue_with_unconfirmed_rows_flagged(
    client, national_admin, role_groups, catalogue
):
    client.force_login(national_admin)

    response = client.get("/admin/authenticators/application/?origin=catalogue&confidence__exact=low")

    content = response.content.decode()
    assert response.status_code == 200
    assert "EMIS Web" in content
    assert "⚠ unconfirmed" in content
    assert "National Care Records Service" not in content


@pytest.mark.django_db
def test_national_admin_edit_to_an_authenticator_is_kept_in_its_history(
    client, national_admin, role_groups, catalogue
):
    passkey = Authenticator.objects.get(slug="passkey")
    client.force_login(national_admin)
    form = client.get(f"/admin/authenticators/authenticator/{passkey.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data["cost_notes"] = "Free: uses the person's own phone."
    data["hardware"] = '["smartphone"]'
    data["software"] = "[]"

    response = client.post(f"/admin/authenticators/authenticator/{passkey.pk}/change/", data)
    history = client.get(f"/admin/authenticators/authenticator/{passkey.pk}/history/")

    assert response.status_code == 302
    passkey.refresh_from_db()
    assert passkey.cost_notes == "Free: uses the person's own phone."
    assert passkey.history.count() == 2
    assert passkey.history.first().history_user == national_admin
    assert str(national_admin) in history.content.decode()


@pytest.mark.django_db
def test_ra_team_member_can_view_but_not_change_the_catalogue(client, ra_team_member, role_groups, catalogue):
    ncrs = Application.objects.catalogue().get(slug="ncrs")
    client.force_login(ra_team_member)

    view = client.get(f"/admin/authenticators/application/{ncrs.pk}/change/")
    change = client.post(f"/admin/authenticators/application/{ncrs.pk}/change/", {"name": "Changed"})

    assert view.status_code == 200
    assert change.status_code == 403
    ncrs.refresh_from_db()
    assert ncrs.name == "National Care Records Service (NCRS)"
