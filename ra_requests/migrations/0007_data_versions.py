from django.db import migrations

from organisations.data_versions import TrackDataVersion


class Migration(migrations.Migration):
    dependencies = [
        ("ra_requests", "0006_self_service_decline_guidance"),
        ("organisations", "0007_data_versions"),
    ]

    operations = [
        TrackDataVersion("ra_requests_declinereason"),
        TrackDataVersion("ra_requests_rarequest", column="organisation_id"),
        TrackDataVersion(
            "ra_requests_rarequestevent", column="request_id", parent_table="ra_requests_rarequest"
        ),
    ]
