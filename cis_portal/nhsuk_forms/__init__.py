"""NHS.UK form building blocks shared by every app.

- ``NHSDateField`` / ``NHSDateInput``: the design system's three-box date input (day, month, year)
  with the design system's error messages ("Date needed by must include a month").
- ``SingleLineCharField``: a CharField that refuses line breaks and other control characters.
- ``TelInput``: ``<input type="tel">`` (Django has no tel widget).
- ``NHSFormHelper``: a crispy-forms helper with our defaults (POST, ``novalidate``, one
  ``nhsuk-button`` labelled "Continue" unless told otherwise).
- ``add_service_errors``: puts a service's ValidationError on the form (on the field it names, else at
  the top) so every view feeds service refusals to the error summary the same way.
- ``WIDGET_WIDTH_CLASSES``: the default width class for each kind of input.
- ``tags``: the ``nhsuk`` template library (``{% load nhsuk %}``, registered in settings) that the
  ``nhsuk`` crispy template pack in ``templates/nhsuk/`` and ``templates/includes/error_summary.html`` use.

Ids the templates rely on (and tests may assert): a field's hint is ``<auto_id>-hint``, its error
message ``<auto_id>-error``; the error summary links to ``#<auto_id>`` for ordinary inputs, to the
first option (``#<auto_id>_0``) for radios and checkboxes, and to the day box
(``#<auto_id>_day``) for dates.
"""

from .fields import (
    WIDGET_WIDTH_CLASSES,
    NHSDateField,
    NHSDateInput,
    SingleLineCharField,
    TelInput,
    width_class_for,
)
from .helper import NHSFormHelper, add_service_errors
from .tags import error_summary_items, field_kind

__all__ = [
    "WIDGET_WIDTH_CLASSES",
    "NHSDateField",
    "NHSDateInput",
    "NHSFormHelper",
    "SingleLineCharField",
    "TelInput",
    "add_service_errors",
    "error_summary_items",
    "field_kind",
    "width_class_for",
]
