from django.db import migrations

from organisations.data_versions import TrackDataVersion


class Migration(migrations.Migration):
    dependencies = [
        ("authenticators", "0002_application_source_confidence_label"),
        ("organisations", "0007_data_versions"),
    ]

    operations = [
        TrackDataVersion("authenticators_authenticator"),
        # Catalogue applications have no organisation and change the reference data's token.
        TrackDataVersion("authenticators_application", column="organisation_id"),
        TrackDataVersion("authenticators_inventoryentry", column="organisation_id"),
        TrackDataVersion("authenticators_estatefacts", column="organisation_id"),
        TrackDataVersion("authenticators_usergroup", column="organisation_id"),
        TrackDataVersion(
            "authenticators_usergroup_applications",
            column="usergroup_id",
            parent_table="authenticators_usergroup",
        ),
        TrackDataVersion(
            "authenticators_usergroup_chosen_authenticators",
            column="usergroup_id",
            parent_table="authenticators_usergroup",
        ),
        TrackDataVersion("authenticators_planevent", column="organisation_id"),
    ]
