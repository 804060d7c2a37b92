"""The technical support staff step: who supports CIS, creating their training records."""

from __future__ import annotations

from django import forms

from ..forms import StepForm, display_answer

NEW_STAFF_SLOTS = 3


class TechnicalSupportForm(StepForm):
    support_model = forms.ChoiceField(
        label="Who gives your staff technical support for CIS?",
        choices=[
            ("in_house", "Our own staff (in-house)"),
            ("outsourced", "A supplier (outsourced)"),
            ("both", "Both our own staff and a supplier"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gives your staff technical support"},
    )
    supplier_name = forms.CharField(
        label="Supplier's name",
        max_length=200,
        required=False,
        help_text="Only if a supplier gives some or all of your technical support.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from training.models import StaffRole
        from training.selectors import staff_for_organisation

        self.existing_staff = list(staff_for_organisation(self.organisation))
        self.slots = []
        for index in range(1, NEW_STAFF_SLOTS + 1):
            prefix = f"staff_{index}"
            self.fields[f"{prefix}_full_name"] = forms.CharField(
                label="Full name", max_length=200, required=False
            )
            self.fields[f"{prefix}_email"] = forms.EmailField(
                label="Work email address",
                required=False,
                error_messages={
                    "invalid": "Enter an email address in the correct format, like name@example.org"
                },
            )
            self.fields[f"{prefix}_role"] = forms.ChoiceField(
                label="Role", choices=[("", "Select a role"), *StaffRole.choices], required=False
            )
            self.fields[f"{prefix}_outsourced"] = forms.ChoiceField(
                label="Who employs them?",
                choices=[("in_house", "Your organisation"), ("outsourced", "The supplier")],
                widget=forms.RadioSelect,
                required=False,
                help_text="Only needed if both your own staff and a supplier give support.",
            )
            self.slots.append(prefix)

    @classmethod
    def initial_from(cls, *, organisation, journey, answers: dict, user=None) -> dict:
        return {key: value for key, value in answers.items() if key in ("support_model", "supplier_name")}

    def slot_fields(self):
        return [
            {
                "number": number,
                "full_name": self[f"{prefix}_full_name"],
                "email": self[f"{prefix}_email"],
                "role": self[f"{prefix}_role"],
                "employment": self[f"{prefix}_outsourced"],
            }
            for number, prefix in enumerate(self.slots, start=1)
        ]

    def clean(self):
        cleaned = super().clean()
        model = cleaned.get("support_model")
        supplier = (cleaned.get("supplier_name") or "").strip()
        if model in ("outsourced", "both") and not supplier:
            self.add_error("supplier_name", "Enter the name of the supplier that gives you technical support")
        if model == "in_house":
            supplier = ""
        cleaned["supplier_name"] = supplier
        existing_emails = {staff.email.lower() for staff in self.existing_staff}
        new_staff, emails = [], set()
        for prefix in self.slots:
            full_name = (cleaned.get(f"{prefix}_full_name") or "").strip()
            email = (cleaned.get(f"{prefix}_email") or "").strip().lower()
            role = cleaned.get(f"{prefix}_role") or ""
            employment = cleaned.get(f"{prefix}_outsourced") or ""
            if model == "in_house":
                employment = "in_house"
            elif model == "outsourced":
                employment = "outsourced"
            if not (full_name or email or role):
                continue
            if not full_name:
                self.add_error(f"{prefix}_full_name", "Enter the person's full name")
            if not email and not self.has_error(f"{prefix}_email"):
                self.add_error(f"{prefix}_email", "Enter the person's work email address")
            elif email in existing_emails or email in emails:
                self.add_error(
                    f"{prefix}_email", "Someone with this email address is already on your staff list"
                )
            if not role:
                self.add_error(f"{prefix}_role", "Select the person's role")
            if not employment and model == "both":
                self.add_error(f"{prefix}_outsourced", "Select who employs this person")
            emails.add(email)
            new_staff.append(
                {
                    "full_name": full_name,
                    "email": email,
                    "role": role,
                    "employment_type": employment,
                    "supplier_name": supplier if employment == "outsourced" else "",
                }
            )
        if not new_staff and not self.existing_staff and not self.errors:
            self.add_error(
                f"{self.slots[0]}_full_name", "Enter at least one member of your technical support staff"
            )
        cleaned["new_staff"] = new_staff
        return cleaned

    def to_answers(self) -> dict:
        saved = self.journey.answers_for("technical-support").get("staff", [])
        return {
            "support_model": self.cleaned_data["support_model"],
            "supplier_name": self.cleaned_data["supplier_name"],
            "staff": saved,
            "new_staff": self.cleaned_data["new_staff"],
        }

    def summary_rows(self, answers: dict) -> list[tuple[str, str]]:
        rows = [
            (
                str(self.fields["support_model"].label),
                display_answer(self.fields["support_model"], answers.get("support_model")),
            ),
        ]
        if answers.get("supplier_name"):
            rows.append(("Supplier's name", answers["supplier_name"]))
        names = [f"{s.full_name} ({s.get_role_display()})" for s in self.existing_staff]
        rows.append(("Technical support staff", "\n".join(names) or "None recorded"))
        return rows

    def page_context(self) -> dict:
        from training.selectors import compliance_summary

        return {"trained_staff": compliance_summary(self.organisation).trained_staff}
