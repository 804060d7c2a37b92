from django.core.management.base import BaseCommand

from organisations.services.directory_entries import send_confirmation_reminders


class Command(BaseCommand):
    help = (
        "Email each RA team whose directory entry goes stale within 14 days (or has), asking it to confirm "
        "its contact details. Once per confirmation: safe to run again."
    )

    def handle(self, *args, **options):
        queued = send_confirmation_reminders()
        self.stdout.write(self.style.SUCCESS(f"{queued} reminder(s) queued"))
