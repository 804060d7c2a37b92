from django.db import migrations, models


def mark_existing_account_emails(apps, schema_editor):
    # Account emails queued before this field existed hold live links too: hide them as well.
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    OutboundEmail.objects.filter(topic__startswith="account:").update(holds_account_link=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="holds_account_link",
            field=models.BooleanField(
                default=False,
                help_text="The body holds a personal account link (email confirmation, invitation, password "
                "reset) that works like a password: it is sent, and never shown in the admin.",
            ),
        ),
        migrations.RunPython(mark_existing_account_emails, migrations.RunPython.noop),
    ]
