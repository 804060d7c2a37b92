import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the sourced reference data (ICBs, CSUs, authenticators, applications, training "
        "modules). Safe to run again: rows are matched on natural keys and admin edits survive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source-dir", default=str(settings.REFERENCE_DATA_DIR))

    def handle(self, *args, source_dir, **options):
        from pathlib import Path

        source = Path(source_dir)
        # organisations first: the other apps' data may refer to providers.
        app_configs = sorted(apps.get_app_configs(), key=lambda c: c.name != "organisations")
        for app_config in app_configs:
            try:
                module = importlib.import_module(f"{app_config.name}.reference_data")
            except ModuleNotFoundError as error:
                if error.name != f"{app_config.name}.reference_data":
                    raise
                continue
            summary = module.load(source)
            self.stdout.write(self.style.SUCCESS(summary))
