from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = (
        "Re-queue pending outbox emails whose lease has passed (left by a broker, SMTP, worker or "
        "database outage). Without a broker they are sent right away, in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-pending",
            action="store_true",
            help="Re-queue every pending email now, leases or not (after fixing an outage).",
        )

    def handle(self, *args, **options):
        count = services.requeue_stuck_emails(all_pending=options["all_pending"])
        self.stdout.write(f"Re-queued {count} pending email{'' if count == 1 else 's'}.")
