import importlib

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create the demo organisations, one demo login per role and demo data for each part, once: "
        "when demo data from an earlier run is there, leave it as it is. With --restore, put back "
        "the demo rows that were removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--restore",
            action="store_true",
            help=(
                "Seed again over existing demo data: re-creates removed demo organisations, logins and "
                "memberships, staff groups, training staff and completions, and RA requests of an "
                "organisation that has none; resets Riverside's applications and estate answers to "
                "the demo ones. Other changes are kept."
            ),
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo makes known logins, so it only runs with DJANGO_DEBUG on.")
        from organisations.models import RAProvider

        if not RAProvider.objects.exists():
            call_command("load_reference_data", stdout=self.stdout)

        from organisations import demo_data
        from organisations.demo_data import DEMO_PASSWORD

        if demo_data.was_seeded() and not options["restore"]:
            self.stdout.write(
                "Demo data from an earlier run is left as it is, with any changes you made. "
                "To put back demo rows you removed: DJANGO_DEBUG=true python manage.py seed_demo --restore"
            )
            self._write_logins(demo_data.existing_logins(), DEMO_PASSWORD)
            return

        logins = demo_data.seed()
        for app_config in apps.get_app_configs():
            if app_config.name == "organisations":
                continue
            try:
                module = importlib.import_module(f"{app_config.name}.demo_data")
            except ModuleNotFoundError as error:
                if error.name != f"{app_config.name}.demo_data":
                    raise
                continue
            summary = module.seed()
            if summary:
                self.stdout.write(summary)

        self._write_logins(logins, DEMO_PASSWORD)

    def _write_logins(self, logins, password):
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {password})"))
        for description, email in logins:
            self.stdout.write(f"  {email:<32} {description}")
