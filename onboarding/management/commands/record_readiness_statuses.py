from django.core.management.base import BaseCommand

from onboarding import services


class Command(BaseCommand):
    help = (
        "Refresh each organisation's stored readiness and put changes of overall status on its "
        "timeline. Safe to re-run."
    )

    def handle(self, *args, **options):
        recorded = services.record_readiness_statuses()
        self.stdout.write(f"Recorded {recorded} readiness status change(s).")
