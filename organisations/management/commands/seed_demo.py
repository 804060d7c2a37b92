import importlib

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create demo organisations, one demo login per role and demo data for each part. Idempotent."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo makes known logins, so it only runs with DJANGO_DEBUG on.")
        from organisations.models import RAProvider

        if not RAProvider.objects.exists():
            call_command("load_reference_data", stdout=self.stdout)

        from organisations import demo_data
        from organisations.demo_data import DEMO_PASSWORD

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

        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for description, email in logins:
            self.stdout.write(f"  {email:<32} {description}")
