from django.conf import settings


def portal(request):
    return {
        "SERVICE_NAME": "CIS onboarding portal",
        "PORTAL_BASE_URL": settings.PORTAL_BASE_URL,
        # What the user may use for the organisation the page is about (set by the organisation views'
        # access check), so templates show only the links the user can follow.
        "access": getattr(request, "organisation_access", None),
    }
