from django.contrib.auth.hashers import make_password
from django.db import migrations


def forget_sign_up_passwords(apps, schema_editor):
    """Sign-up used to ask for a password before the address was proved. Those passwords are never
    accepted now: the owner of the address chooses one when confirming."""
    User = apps.get_model("organisations", "User")
    unconfirmed = User.objects.filter(
        email_confirmed_at__isnull=True, is_active=False, is_staff=False, is_superuser=False
    )
    for user in unconfirmed.only("pk"):
        User.objects.filter(pk=user.pk).update(password=make_password(None))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_role_groups")]

    operations = [migrations.RunPython(forget_sign_up_passwords, migrations.RunPython.noop)]
