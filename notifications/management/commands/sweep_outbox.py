from datetime import timedelta

from django.core.management.base import BaseCommand

from notifications import services
from notifications.tasks import STUCK_AFTER


class Command(BaseCommand):
    help = (
        "Re-queue outbox emails left pending by a broker or SMTP outage. Without a broker they are "
        "sent right away, in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(STUCK_AFTER.total_seconds()),
            metavar="SECONDS",
            help="Only emails last queued at least this many seconds ago (default: %(default)s).",
        )

    def handle(self, *args, **options):
        count = services.requeue_stuck_emails(older_than=timedelta(seconds=options["older_than"]))
        self.stdout.write(f"Re-queued {count} pending email{'' if count == 1 else 's'}.")
