"""Admin autocomplete fields that answer a tampered id with a form error instead of a 500.

Django's ``AutocompleteSelect`` looks up the posted ids again when it re-renders an invalid form
(``filter(pk__in=[...])``): text raises ``ValueError`` and a number too large for the column
raises ``OverflowError`` (SQLite) or a database error (PostgreSQL) from the widget itself, after
the form had already rejected the value. These widgets only look up ids the column can hold.
Every ModelAdmin or inline with ``autocomplete_fields`` takes ``SafeAutocompleteAdminMixin``.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import IntegerField


def is_storable_id(to_field, value, *, using=None) -> bool:
    """Whether ``value`` is something ``to_field``'s column can hold (so looking it up cannot fail)."""
    try:
        python_value = to_field.to_python(value)
    except ValidationError:
        return False
    if isinstance(to_field, IntegerField) and python_value is not None:
        low, high = connections[using or DEFAULT_DB_ALIAS].ops.integer_field_range(
            to_field.get_internal_type()
        )
        return (low is None or python_value >= low) and (high is None or python_value <= high)
    return True


class _LooksUpOnlyStorableIds:
    def optgroups(self, name, value, attr=None):
        # A tampered value is dropped from what is shown as selected; the form's own validation
        # has already put "Select a valid choice" on the field.
        to_field = self.field.target_field
        value = [
            item for item in value if item in ("", None) or is_storable_id(to_field, item, using=self.db)
        ]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(_LooksUpOnlyStorableIds, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_LooksUpOnlyStorableIds, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteAdminMixin:
    """For ModelAdmins and inlines: their ``autocomplete_fields`` use the safe widgets."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
