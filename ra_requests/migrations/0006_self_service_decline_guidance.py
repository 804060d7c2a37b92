"""The self-service decline reason's guidance said the National Insurance number was needed on both routes;
only the 'Add an authenticator' app needs it. Rewrites the guidance only where it is still the old default,
so a national administrator's own wording is kept."""

from django.db import migrations

OLD_GUIDANCE = (
    "Staff can add a non-smartcard authenticator themselves with the 'Add an authenticator' "
    "service, or by signing in to Care Identity Management with an authenticator they already "
    "have. They need their National Insurance number on their profile."
)


def rewrite_self_service_guidance(apps, schema_editor):
    from ra_requests.decline_reasons import SELF_SERVICE_AUTHENTICATOR_GUIDANCE

    DeclineReason = apps.get_model("ra_requests", "DeclineReason")
    DeclineReason.objects.filter(code="self_service_authenticator", next_step_guidance=OLD_GUIDANCE).update(
        next_step_guidance=SELF_SERVICE_AUTHENTICATOR_GUIDANCE
    )


class Migration(migrations.Migration):
    dependencies = [("ra_requests", "0005_merge_idempotency_and_triage")]

    operations = [migrations.RunPython(rewrite_self_service_guidance, migrations.RunPython.noop)]
