"""The base template, error pages, the accessibility statement and the vendored static files."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views.defaults import server_error
from pytest_django.asserts import assertInHTML

from tests.factories import UserFactory

from .html import attrs_of, elements

TITLE_SUFFIX = "\N{EN DASH} CIS onboarding portal"

pytestmark = [pytest.mark.urls("tests.ui.urls"), pytest.mark.django_db]

STATIC = Path(settings.BASE_DIR) / "static"


def test_base_page_has_language_skip_link_landmarks_and_assets(client):
    response = client.get("/pages/accessibility/")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="en">' in html
    first_link = elements(html, "a")[0][1]
    assert first_link == {
        "class": "nhsuk-skip-link",
        "data-module": "nhsuk-skip-link",
        "href": "#maincontent",
    }
    assert attrs_of(html, "maincontent")["class"] == "nhsuk-main-wrapper"
    assert '<header class="nhsuk-header" data-module="nhsuk-header" role="banner">' in html
    assert '<footer class="nhsuk-footer" role="contentinfo">' in html
    scripts = [attrs for _, attrs in elements(html, "script")]
    assert scripts == [{"type": "module", "src": "/static/js/portal.js"}]
    stylesheets = [attrs["href"] for _, attrs in elements(html, "link") if attrs.get("rel") == "stylesheet"]
    assert stylesheets == [
        "/static/nhsuk/nhsuk-frontend.min.css",
        "/static/css/portal.css",
        "/static/css/print.css",
    ]
    assert "<style" not in html
    assert " style=" not in html


def test_base_page_header_offers_sign_in_to_visitors(client):
    html = client.get("/pages/accessibility/").content.decode()

    assertInHTML('<a class="nhsuk-header__account-link" href="/account/sign-in/">Sign in</a>', html)
    assert "Sign out" not in html
    assertInHTML('<span class="nhsuk-header__service-name">CIS onboarding portal</span>', html)
    assertInHTML('<strong class="nhsuk-tag nhsuk-tag--blue">Beta</strong>', html)


def test_base_page_header_shows_the_signed_in_user_and_a_sign_out_button(client):
    user = UserFactory(email="sam.patel@example.org", first_name="Sam", last_name="Patel")
    client.force_login(user)

    html = client.get("/pages/accessibility/").content.decode()

    assert '<span class="nhsuk-u-visually-hidden">Signed in as </span>Sam Patel' in html
    sign_out_form = next(
        attrs for _, attrs in elements(html, "form") if attrs.get("action") == "/account/sign-out/"
    )
    assert sign_out_form["method"] == "post"
    assertInHTML(
        '<button class="nhsuk-header__account-button" type="submit">Sign out</button>',
        html,
    )
    assert "Sign in</a>" not in html


def test_base_page_footer_links_to_the_accessibility_statement_and_cis(client):
    html = client.get("/pages/accessibility/").content.decode()

    assertInHTML(
        '<a class="nhsuk-footer__list-item-link" href="/pages/accessibility/">Accessibility statement</a>',
        html,
    )
    assertInHTML(
        '<a class="nhsuk-footer__list-item-link" href="https://digital.nhs.uk/services/care-identity-service">'
        "Care Identity Service on digital.nhs.uk</a>",
        html,
    )
    assert "&copy; NHS England" in html


def test_base_page_shows_messages_as_status_notifications(rf):
    request = rf.get("/")
    request.user = UserFactory()
    request.session = {}
    storage = FallbackStorage(request)
    storage.add(message_levels.SUCCESS, "Your request was sent to the RA team")
    request._messages = storage

    html = render_to_string("pages/accessibility.html", request=request)

    banner = next(
        attrs for _, attrs in elements(html, "div") if "nhsuk-notification-banner" in attrs.get("class", "")
    )
    assert banner == {
        "class": "nhsuk-notification-banner nhsuk-notification-banner--success",
        "role": "status",
        "aria-labelledby": "app-message-title-1",
    }
    assertInHTML('<h2 class="nhsuk-notification-banner__title" id="app-message-title-1">Success</h2>', html)
    assertInHTML(
        '<p class="nhsuk-notification-banner__heading">Your request was sent to the RA team</p>', html
    )


def test_accessibility_statement_states_the_standard_testing_gaps_and_how_to_report(client):
    html = client.get("/pages/accessibility/").content.decode()

    assert f"<title>Accessibility statement {TITLE_SUFFIX}</title>" in html
    assertInHTML("<h1>Accessibility statement for the CIS onboarding portal</h1>", html)
    assert "WCAG) version 2.2</a> at level AA" in html
    assert "axe-core" in html
    assertInHTML("<h2>Known gaps</h2>", html)
    assertInHTML('<h2 id="report-a-problem">Reporting a problem or asking for another format</h2>', html)
    assert 'href="mailto:cis-portal-accessibility@example.org"' in html


def test_missing_page_shows_nhs_page_not_found(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()

    assert response.status_code == 404
    assert f"<title>Page not found {TITLE_SUFFIX}</title>" in html
    assertInHTML("<h1>Page not found</h1>", html)
    assertInHTML('<a href="/">Go to the CIS onboarding portal home page</a>', html)


def test_forbidden_page_explains_who_to_ask(client):
    response = client.get("/forbidden/")
    html = response.content.decode()

    assert response.status_code == 403
    assertInHTML("<h1>You cannot see this page</h1>", html)
    assert "ask your organisation's administrator" in html


def test_bad_request_page_explains_what_to_check(client):
    response = client.get("/bad-request/")
    html = response.content.decode()

    assert response.status_code == 400
    assert f"<title>Sorry, there is a problem with your request {TITLE_SUFFIX}</title>" in html
    assertInHTML("<h1>Sorry, there is a problem with your request</h1>", html)
    assert "check it is complete and correct" in html
    assertInHTML('<a href="/">Go to the CIS onboarding portal home page</a>', html)
    assert "unreadable" not in html


def test_expired_form_shows_the_nhs_csrf_page_saying_to_go_back_and_try_again(client):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies["csrftoken"] = "a" * 32

    response = csrf_client.post(
        "/account/sign-in/", {"username": "sam@example.org", "password": "x", "csrfmiddlewaretoken": "b" * 32}
    )
    html = response.content.decode()

    assert response.status_code == 403
    assert f"<title>This form has expired {TITLE_SUFFIX}</title>" in html
    assertInHTML("<h1>This form has expired</h1>", html)
    assert "Go back to the form, refresh the page, then enter your answers and send it again." in html
    assert "What you entered on that page has not been saved." in html
    assert "CSRF" not in html
    assert '<link rel="stylesheet" href="/static/nhsuk/nhsuk-frontend.min.css">' in html


def test_csrf_page_still_shows_who_is_signed_in(client):
    user = UserFactory(first_name="Sam", last_name="Patel")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)

    response = csrf_client.post("/account/sign-in/", {"username": user.email, "password": "x"})
    html = response.content.decode()

    assert response.status_code == 403
    assertInHTML("<h1>This form has expired</h1>", html)
    assert '<span class="nhsuk-u-visually-hidden">Signed in as </span>Sam Patel' in html


def test_server_error_page_renders_without_request_context_or_database(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()

    assert response.status_code == 500
    assert f"<title>Sorry, there is a problem with the service {TITLE_SUFFIX}</title>" in html
    assertInHTML("<h1>Sorry, there is a problem with the service</h1>", html)
    assert '<link rel="stylesheet" href="/static/nhsuk/nhsuk-frontend.min.css">' in html


def test_server_error_page_renders_even_without_a_static_files_manifest(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent-static-root"

    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assertInHTML("<h1>Sorry, there is a problem with the service</h1>", response.content.decode())


def test_unhandled_exception_returns_the_nhs_500_page(client):
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    assertInHTML("<h1>Sorry, there is a problem with the service</h1>", response.content.decode())


def test_vendored_css_points_at_relative_asset_urls_that_exist():
    css = (STATIC / "nhsuk" / "nhsuk-frontend.min.css").read_text()

    assert "url(/assets" not in css
    for reference in ("nhsuk-icon-arrow-down.svg", "nhsuk-icon-cross.svg"):
        assert f"url(assets/images/{reference})" in css
        assert (STATIC / "nhsuk" / "assets" / "images" / reference).is_file()
    assert "NHS England" in (STATIC / "nhsuk" / "LICENSE").read_text()


def test_collectstatic_with_manifest_storage_succeeds(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    hashed_css = [p.name for p in (tmp_path / "nhsuk").glob("nhsuk-frontend.min.*.css")]
    assert len(hashed_css) == 1
    assert (tmp_path / "staticfiles.json").is_file()
    assert (tmp_path / "js" / "portal.js").is_file()
