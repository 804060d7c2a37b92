import shutil

import pytest
from django.contrib.auth.models import Group

from organisations import reference_data, roles, services
from organisations.models import RAProvider, Role

from .factories import OrganisationFactory, RAProviderFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create and sign in many users; the production hasher is deliberately slow (about a
    second each on a busy 2-core machine). Browser tests' live server runs in this process, so it
    sees the override too."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in the cache, and pages are kept in another (local memory in tests): each
    test starts with neither. Never clears a shared cache such as Redis (clear() there flushes the
    whole database)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for alias in ("default", "pages"):
        if isinstance(caches[alias], LocMemCache):
            caches[alias].clear()


@pytest.fixture
def icb():
    return RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board")


@pytest.fixture
def other_icb():
    return RAProviderFactory(
        ods_code="QWO",
        name="NHS West Yorkshire Integrated Care Board",
        region="North East and Yorkshire",
        region_code="Y63",
    )


@pytest.fixture
def organisation(icb):
    return OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)


@pytest.fixture
def other_organisation(other_icb):
    """A second organisation whose data must never show to the first one's users."""
    return OrganisationFactory(ods_code="B82002", name="Hillside Surgery", icb=other_icb)


@pytest.fixture
def org_admin(organisation):
    user = UserFactory(email="admin@riverside.example.org")
    services.add_membership(organisation, user=user, role=Role.ORG_ADMIN)
    return user


@pytest.fixture
def other_org_admin(other_organisation):
    user = UserFactory(email="admin@hillside.example.org")
    services.add_membership(other_organisation, user=user, role=Role.ORG_ADMIN)
    return user


@pytest.fixture
def it_lead(organisation):
    user = UserFactory(email="itlead@riverside.example.org")
    services.add_membership(organisation, user=user, role=Role.IT_LEAD)
    return user


@pytest.fixture
def other_it_lead(other_organisation):
    user = UserFactory(email="itlead@hillside.example.org")
    services.add_membership(other_organisation, user=user, role=Role.IT_LEAD)
    return user


@pytest.fixture
def ra_team_member(icb):
    user = UserFactory(email="ra@lsc.example.org")
    services.add_ra_team_member(icb, user=user)
    return user


@pytest.fixture
def other_ra_team_member(other_icb):
    user = UserFactory(email="ra@wy.example.org")
    services.add_ra_team_member(other_icb, user=user)
    return user


@pytest.fixture
def national_admin():
    user = UserFactory(email="national@example.org")
    return services.make_national_admin(user)


@pytest.fixture
def role_groups(db):
    roles.sync_role_group_permissions()
    return {group.name: group for group in Group.objects.filter(name__in=roles.ROLE_GROUP_NAMES)}


def pytest_report_header(config):
    """Show which database and Celery test broker this run uses (CI output proves the PostgreSQL run)."""
    import os

    from django.conf import settings

    database = settings.DATABASES["default"]
    broker = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
    where = "in memory" if database["ENGINE"].endswith("sqlite3") else f"test_{database['NAME']}"
    return [
        f"database: {database['ENGINE']} name={database['NAME']} (tests use {where})",
        f"celery test broker (tests/services): {broker}",
    ]


@pytest.fixture
def decline_reasons(request):
    """The decline reasons the data migration installs. Browser tests' database flush empties the
    table for every test after them, so tests that decline requests ask for this (the ra_requests
    and onboarding conftests do it for every database test)."""
    from ra_requests.decline_reasons import install_default_decline_reasons
    from ra_requests.models import DeclineReason

    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    if not DeclineReason.objects.exists():
        install_default_decline_reasons(DeclineReason)


PRACTICES = """ods_code,name,postcode,icb_code_2025,sub_icb_code,successor_hint
A81001,THE DENSHAM SURGERY,TS18 1HU,QHM,16C,
A81002,QUEENS PARK MEDICAL CENTRE,TS18 2AW,QHM,16C,
D81047,ASHWELL SURGERY,SG7 5PY,QM7,06K,S1Y5D
H81013,BARTLETT GROUP PRACTICE,GU16 6QQ,QNQ,D4U1Y,
E81002,GREENSAND SURGERY (AMPTHILL),MK45 2SB,QHG,M1J4Y,
"""


@pytest.fixture
def ods_directory(tmp_path, settings):
    """The real ICB and CSU files and five real GP practices (active, closed and split ICBs), loaded."""
    for name in ("icbs.csv", "csus.csv"):
        shutil.copy(settings.REFERENCE_DATA_DIR / name, tmp_path / name)
    (tmp_path / "ods").mkdir()
    (tmp_path / "ods" / "gp-practices.csv").write_text(PRACTICES, encoding="utf-8")
    shutil.copy(settings.REFERENCE_DATA_DIR / "ods" / "sources.json", tmp_path / "ods" / "sources.json")
    settings.REFERENCE_DATA_DIR = tmp_path
    reference_data.load(tmp_path)
    RAProvider.objects.filter(ods_code="X24").update(ra_contact_email="national.ra@example.org")
    return tmp_path
