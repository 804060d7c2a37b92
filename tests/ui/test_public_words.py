"""Public pages use the names the portal uses elsewhere and explain their codes."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_calls_windows_hello_by_its_current_name(client):
    html = client.get("/").content.decode()

    assert "Windows Hello for Business" not in html
    assert "Windows Hello" in html


def test_directory_search_explains_what_an_ods_code_is(client):
    html = client.get("/directory/").content.decode()

    assert "the code the NHS Organisation Data Service (ODS) gives each organisation" in html
