"""A tampered id in an admin autocomplete or raw-id field is a form error, never a 500.

The fields are found from ``admin.site._registry`` (each admin and its inlines), so a field added
later is tried too. Each is posted with text where an id belongs and with a number too large for
the column; the page comes back with the form and an error on that field, and nothing is saved.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TAMPERED = {"text": "abc", "400 nines": "9" * 400}


def _id_fields():
    found = []
    for model, model_admin in admin.site._registry.items():
        owners = [(None, model_admin)] + [
            (inline, inline(model, admin.site)) for inline in model_admin.inlines
        ]
        for inline, owner in owners:
            for field_name in [*owner.autocomplete_fields, *owner.raw_id_fields]:
                found.append((model, inline, field_name))
    return found


ID_FIELDS = _id_fields()


def _field_id(case):
    model, inline, field_name = case
    where = f"{inline.model._meta.model_name} inline" if inline else "form"
    return f"{model._meta.label}:{where}:{field_name}"


def _form_data(form) -> dict:
    """What the browser would post for ``form`` as the page rendered it, unchanged."""
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        widget_data = bound.field.widget.format_value(value) if value is not None else ""
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif hasattr(bound.field.widget, "widgets"):
            for index, part in enumerate(bound.field.widget.decompress(value)):
                data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
        else:
            data[bound.html_name] = "" if widget_data is None else str(widget_data)
    return data


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser(email="root@example.org", password=TEST_PASSWORD)
    client.force_login(user)
    return user


def test_admin_id_fields_are_found():
    names = {_field_id(case) for case in ID_FIELDS}

    assert {
        "organisations.RAProvider:form:ra_support_provider",
        "organisations.Organisation:form:icb",
        "organisations.Organisation:membership inline:user",
        "organisations.User:rateammembership inline:provider",
        "organisations.RATeamMembership:form:user",
        "organisations.RATeamMembership:form:provider",
    } <= names


@pytest.mark.parametrize("tampered", TAMPERED.values(), ids=TAMPERED.keys())
@pytest.mark.parametrize("case", ID_FIELDS, ids=_field_id)
def test_admin_tampered_id_is_a_form_error(client, superuser, icb, organisation, case, tampered):
    model, inline, field_name = case
    info = (model._meta.app_label, model._meta.model_name)
    add_url = f"/admin/{info[0]}/{info[1]}/add/"
    page = client.get(add_url)
    assert page.status_code == 200, add_url
    data = _form_data(page.context["adminform"].form)
    target_prefix = None
    for formset in page.context["inline_admin_formsets"]:
        formset = formset.formset
        management = formset.management_form
        data.update({bound.html_name: str(bound.value()) for bound in management})
        if inline is not None and formset.model is inline.model:
            target_prefix = formset.prefix
            data[f"{formset.prefix}-TOTAL_FORMS"] = "1"
            data.update(_form_data(formset.empty_form))
            data = {key.replace("__prefix__", "0"): value for key, value in data.items()}
    field_key = f"{target_prefix}-0-{field_name}" if inline else field_name
    data[field_key] = tampered
    before = model._default_manager.count()

    response = client.post(add_url, data)

    assert response.status_code == 200, (
        f"{add_url} {field_key}={tampered[:10]} answered {response.status_code}"
    )
    assert model._default_manager.count() == before
    if inline is None:
        errors = response.context["adminform"].form.errors
    else:
        [formset] = [
            f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == target_prefix
        ]
        errors = formset.forms[0].errors
    assert "Select a valid choice" in " ".join(errors.get(field_name, [])), errors


@pytest.mark.parametrize("tampered", TAMPERED.values(), ids=TAMPERED.keys())
def test_admin_national_admin_tampered_icb_on_an_organisations_change_form_is_a_form_error(
    client, role_groups, national_admin, icb, organisation, tampered
):
    client.force_login(national_admin)
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    data = _form_data(client.get(url).context["adminform"].form)
    data.update({"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0", "icb": tampered})

    response = client.post(url, data)

    organisation.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["icb"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert organisation.icb == icb
