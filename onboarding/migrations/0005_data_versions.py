from django.db import migrations

from organisations.data_versions import TrackDataVersion


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0004_readiness_record_ra_detail_any_length"),
        ("organisations", "0007_data_versions"),
    ]

    # The stored readiness rows (ReadinessRecord, ReadinessSupport) are derived from the tracked
    # tables and refreshed hourly for every organisation, so they do not change a token.
    operations = [
        TrackDataVersion("onboarding_readinessjourney", column="organisation_id"),
        TrackDataVersion("onboarding_readinessevent", column="organisation_id"),
    ]
