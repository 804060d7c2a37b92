from django.db import migrations

ROLE_GROUP_NAMES = ("Organisation admins", "IT leads", "RA team members", "National administrators")


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUP_NAMES:
        Group.objects.get_or_create(name=name)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUP_NAMES).delete()


class Migration(migrations.Migration):
    # Permissions are attached after every migrate by organisations.roles.sync_role_group_permissions,
    # because other apps' permissions do not exist yet while this migration runs.
    dependencies = [("organisations", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
