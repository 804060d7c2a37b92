from django.db import migrations, models

from organisations.data_versions import TrackDataVersion


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0006_merge_accounts"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "scope",
                    models.BigIntegerField(
                        help_text="The organisation's id, or 0 for reference data every organisation sees.",
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        TrackDataVersion("organisations_organisation", column="id"),
        TrackDataVersion("organisations_raprovider"),
        TrackDataVersion("organisations_raprovider_successors"),
    ]
