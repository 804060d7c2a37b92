from django.db import migrations

from organisations.data_versions import TrackDataVersion


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0004_merge_records_stamp_and_audience"),
        ("organisations", "0007_data_versions"),
    ]

    operations = [
        TrackDataVersion("training_trainingmodule"),
        TrackDataVersion("training_moduleversion"),
        TrackDataVersion("training_staffmember", column="organisation_id"),
        TrackDataVersion("training_completion", column="staff_id", parent_table="training_staffmember"),
        TrackDataVersion("training_recordsstamp", column="organisation_id"),
    ]
