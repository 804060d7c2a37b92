"""Our crispy-forms FormHelper defaults."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit


class NHSFormHelper(FormHelper):
    """Our crispy defaults: a POST form with ``novalidate`` (the server validates and the NHS
    error summary explains, instead of the browser's inaccessible bubbles) and one submit button.

    ``NHSFormHelper(form, submit_text="Save")``; ``submit_text=None`` adds no button (for layouts
    that place their own ``Submit``). ``label_is_page_heading=True`` with ``label_class =
    "nhsuk-label--l"`` makes a one-question form's label or legend the page heading.
    """

    def __init__(
        self,
        form=None,
        *,
        submit_text: str | None = "Continue",
        submit_name: str = "submit",
        label_is_page_heading: bool = False,
    ):
        super().__init__(form)
        # For one-question pages: the field's label or legend is the page's <h1>.
        self.label_is_page_heading = label_is_page_heading
        self.form_tag = True
        self.form_method = "post"
        self.attrs = {"novalidate": ""}
        if submit_text:
            self.add_input(Submit(submit_name, submit_text))


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError on ``form`` so the NHS error summary lists it.

    Errors keyed by a field the form has go on that field; the rest (and errors with no keys) go
    above the form as non-field errors.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
