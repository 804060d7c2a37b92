from django.core.management.base import BaseCommand

from onboarding import services


class Command(BaseCommand):
    help = "Put each organisation's change of overall readiness status on its timeline. Safe to re-run."

    def handle(self, *args, **options):
        recorded = services.record_readiness_statuses()
        self.stdout.write(f"Recorded {recorded} readiness status change(s).")
