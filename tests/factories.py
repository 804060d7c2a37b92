"""Factories for the base models every part's tests need."""

import factory
from django.utils import timezone

from organisations.models import Membership, Organisation, RAProvider, RATeamMembership, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"


class RAProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RAProvider
        django_get_or_create = ("ods_code",)

    ods_code = factory.Sequence(lambda n: f"Q{n:02d}")
    name = factory.Sequence(lambda n: f"NHS Test {n} Integrated Care Board")
    kind = RAProvider.Kind.ICB
    region = "North West"
    region_code = "Y62"
    ra_contact_email = factory.LazyAttribute(lambda p: f"ra.{p.ods_code.lower()}@example.org")


class NationalRATeamFactory(RAProviderFactory):
    ods_code = "X24"
    name = "National RA team (NHS England)"
    kind = RAProvider.Kind.NATIONAL
    region = ""
    region_code = ""
    ra_contact_email = "national-ra@example.org"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    ods_code = factory.Sequence(lambda n: f"A{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"Test Surgery {n}")
    organisation_type = Organisation.OrganisationType.GP_PRACTICE
    icb = factory.SubFactory(RAProviderFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ORG_ADMIN


class RATeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RATeamMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    provider = factory.SubFactory(RAProviderFactory)
