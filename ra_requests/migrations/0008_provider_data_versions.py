from django.db import migrations

from organisations.data_versions import TrackDataVersion, TrackShownColumns


class Migration(migrations.Migration):
    """The triage list is cached under its provider's data version: writes to a provider's requests,
    and changes to what the list shows of their organisations and assignees, change it."""

    dependencies = [
        ("ra_requests", "0007_data_versions"),
        ("organisations", "0007_data_versions"),
    ]

    operations = [
        TrackDataVersion("ra_requests_rarequest", column="provider_id", provider=True),
        TrackShownColumns(
            "organisations_organisation",
            columns=["ods_code", "name", "organisation_type", "icb_id"],
            child_table="ra_requests_rarequest",
            child_column="organisation_id",
        ),
        TrackShownColumns(
            "organisations_user",
            columns=["first_name", "last_name", "email"],
            child_table="ra_requests_rarequest",
            child_column="assigned_to_id",
        ),
    ]
