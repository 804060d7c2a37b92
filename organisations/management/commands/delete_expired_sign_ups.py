from django.core.management.base import BaseCommand

from organisations import services


class Command(BaseCommand):
    help = (
        "Delete sign-ups whose email address was never confirmed within "
        "UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS, with their memberships. Safe to repeat."
    )

    def handle(self, *args, **options):
        count = services.delete_expired_sign_ups()
        self.stdout.write(f"Deleted {count} expired unconfirmed sign-up{'' if count == 1 else 's'}.")
