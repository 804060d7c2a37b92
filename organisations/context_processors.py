from django.conf import settings


def portal(request):
    return {"SERVICE_NAME": "CIS onboarding portal", "PORTAL_BASE_URL": settings.PORTAL_BASE_URL}
