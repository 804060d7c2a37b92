from django.core.management.base import BaseCommand

from ra_requests.escalations import run_escalations


class Command(BaseCommand):
    help = (
        "Send due RA request reminders and escalations (the same job Celery beat runs every 15 "
        "minutes). Safe to run at any time, and alongside the beat job: nothing is sent twice."
    )

    def handle(self, *args, **options):
        escalated = run_escalations()
        self.stdout.write(self.style.SUCCESS(f"{escalated} RA requests escalated"))
