"""No page waits on a font from another host: the vendored CSS and our templates only name local files.

The NHS Frutiger webfont is licensed to NHS organisations that register for it and is not in the
nhsuk-frontend package, so the portal does not ship it: text uses the design system's fallback stack
(Arial, then the system sans-serif), with nothing fetched from assets.nhs.uk.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from .html import elements

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
REMOTE_URL_IN_CSS = re.compile(r"url\(\s*['\"]?(?:https?:)?//", re.I)
FONT_HOSTS = ("assets.nhs.uk", "fonts.googleapis.com", "fonts.gstatic.com", "use.typekit.net")
PUBLIC_PAGES = ["/", "/authenticators/", "/account/sign-in/", "/account/password-reset/", "/directory/"]


def test_no_stylesheet_loads_anything_from_another_host():
    offenders = [
        f"{path.relative_to(STATIC)}: {match.group(0)}"
        for path in STATIC.rglob("*.css")
        for match in REMOTE_URL_IN_CSS.finditer(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


def test_no_template_or_static_file_names_an_external_font_host():
    files = [*TEMPLATES.rglob("*.html"), *STATIC.rglob("*.css"), *STATIC.rglob("*.js")]

    offenders = [
        f"{path}: {host}"
        for path in files
        for host in FONT_HOSTS
        if host in path.read_text(encoding="utf-8", errors="replace")
    ]

    assert offenders == []


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_loads_only_local_stylesheets_and_scripts_free_of_remote_fonts(client, url):
    html = client.get(url).content.decode()

    assets = [attrs.get("href") for _, attrs in elements(html, "link")] + [
        attrs.get("src") for _, attrs in elements(html, "script") if attrs.get("src")
    ]
    assert assets
    assert all(asset.startswith(settings.STATIC_URL) for asset in assets), assets
    for stylesheet in (asset for asset in assets if asset.endswith(".css")):
        text = Path(finders.find(stylesheet.removeprefix(settings.STATIC_URL))).read_text(encoding="utf-8")
        assert "@font-face" not in text or not REMOTE_URL_IN_CSS.search(text), stylesheet
