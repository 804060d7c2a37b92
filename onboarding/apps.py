from django.apps import AppConfig

from organisations import roles


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Readiness wizard and summary"

    role_permissions = {
        roles.NATIONAL_ADMINISTRATORS: [
            "onboarding.view_readinessjourney",
            "onboarding.view_readinessevent",
        ],
    }
