from django.core.management.base import BaseCommand

from training import services


class Command(BaseCommand):
    help = (
        "Queue training reminders (30 days before expiry, when overdue, after a new module version) "
        "or, with --digest, this week's digest for each IT lead. Safe to run again: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="Send the weekly IT lead digest instead.")

    def handle(self, *args, digest, **options):
        if digest:
            queued = services.send_training_digests()
            self.stdout.write(self.style.SUCCESS(f"Queued {queued} training digest email(s)"))
        else:
            queued = services.send_training_reminders()
            self.stdout.write(self.style.SUCCESS(f"Queued {queued} training reminder email(s)"))
