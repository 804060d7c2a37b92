"""Links you can follow: every link a role is shown leads to a page that role may open.

For each role the crawl starts at the home page and follows every internal link on every portal page
it reaches (bounded by ``MAX_PAGES``). Admin pages it is linked to are opened too, but their own links
are not followed: Django's admin builds them from the same permissions the matrix test checks, and
walking every change list's sort and filter links would make this test slow.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from .authz_world import ROLES

MAX_PAGES = 150


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def internal_links(page_url: str, html: str) -> set[str]:
    parser = LinkParser()
    parser.feed(html)
    links = set()
    for href in parser.hrefs:
        url = urlsplit(urljoin(page_url, href))
        if url.scheme not in ("", "http") or url.netloc not in ("", "testserver"):
            continue  # mailto:, and other sites (the footer's link to digital.nhs.uk)
        if url.path.startswith(settings.STATIC_URL) or not url.path:
            continue
        links.add(url.path + (f"?{url.query}" if url.query else ""))
    return links


def open_link(client, url: str):
    """(final status, final URL) after following up to three redirects."""
    for _ in range(4):
        response = client.get(url)
        if response.status_code not in (301, 302):
            return response, url
        url = urljoin(url, response["Location"])
    return response, url


def crawl(client) -> tuple[list[str], list[str]]:
    """(pages opened, broken links as "link on page: what happened")."""
    sign_in_pages = (reverse("organisations:login"), reverse("admin:login"))
    seen_paths = {"/"}
    queue = [("/", "start")]
    opened, broken = [], []
    while queue and len(opened) < MAX_PAGES:
        url, found_on = queue.pop(0)
        response, final_url = open_link(client, url)
        opened.append(url)
        final_path = urlsplit(final_url).path
        if response.status_code != 200:
            broken.append(f"{url} on {found_on}: {response.status_code}")
            continue
        if final_path.startswith(sign_in_pages) and not url.startswith(sign_in_pages):
            broken.append(f"{url} on {found_on}: sent to sign in")
            continue
        if final_path.startswith("/admin/") or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in sorted(internal_links(final_url, response.content.decode())):
            path = urlsplit(link).path
            if path not in seen_paths:
                seen_paths.add(path)
                queue.append((link, url))
    return opened, broken


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_role_is_shown_opens_for_it(authz_world, role):
    client = authz_world.client_for(role)

    opened, broken = crawl(client)

    assert broken == []
    assert len(opened) < MAX_PAGES, "the crawl stopped at its bound: raise MAX_PAGES"
