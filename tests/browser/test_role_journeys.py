"""Organisation admins and IT leads, in a real browser, follow every link they are shown from their home page.

Each link is fetched with the page's session first: it must answer 200 (no 403, 404 or trip to the
sign-in page); HTML pages are then opened in the browser and checked with axe-core, once per view.
"""

from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import resolve

from tests.cis_portal.authz_world import ADMIN_A, IT_LEAD_A, build_world
from tests.factories import TEST_PASSWORD

from .helpers import assert_no_serious_axe_violations, sign_in

MAX_PAGES = 60
LINKS = "Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))"


# Views each role must have reached (and checked with axe) by following links alone.
MUST_REACH = {
    ADMIN_A: {
        "onboarding:task_list",
        "onboarding:summary",
        "onboarding:timeline",
        "ra_requests:list",
        "authenticators:plan",
        "training:dashboard",
        "organisations:team",
    },
    IT_LEAD_A: {
        "onboarding:summary",
        "onboarding:timeline",
        "authenticators:inventory",
        "training:dashboard",
    },
}


@pytest.mark.parametrize("role", [ADMIN_A, IT_LEAD_A])
def test_role_follows_every_link_from_home_and_each_page_is_accessible(
    page, base_url, settings, tmp_path, role
):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    sign_in(page, base_url, world.users[role].email, TEST_PASSWORD)

    seen, queue, checked_views, problems = {"/"}, ["/"], set(), []
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(base_url + path)
        if response.status != 200 or urlsplit(page.url).path.startswith("/account/sign-in/"):
            problems.append(f"{path}: {response.status} at {page.url}")
            continue
        view_name = resolve(urlsplit(page.url).path).view_name
        if view_name not in checked_views:
            checked_views.add(view_name)
            assert_no_serious_axe_violations(page)
        for href in page.evaluate(LINKS):
            url = urlsplit(urljoin(page.url, href))
            if url.netloc != urlsplit(base_url).netloc or url.path.startswith("/static/"):
                continue
            if url.path in seen:
                continue
            seen.add(url.path)
            fetched = page.request.get(base_url + url.path)
            if fetched.status != 200 or urlsplit(fetched.url).path.startswith("/account/sign-in/"):
                problems.append(f"{url.path} on {path}: {fetched.status} at {fetched.url}")
            elif "text/html" in fetched.headers.get("content-type", ""):
                queue.append(url.path)

    assert problems == []
    assert MUST_REACH[role] <= checked_views
