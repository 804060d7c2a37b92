"""The authenticator-plan steps: applications used, staff groups and estate, and the choice."""

from __future__ import annotations

from django import forms

from ..forms import StepForm, display_answer

YES_NO_NOT_SURE = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]
MAX_GROUPS = 6

GENERATION_ALIASES = {"cis1": "CIS1", "cis2": "CIS2"}
AAL_ALIASES = {"aal2": "AAL2", "aal3": "AAL3"}


def parse_local_applications(text: str) -> list[dict]:
    """Lines of "name, CIS1 or CIS2, AAL2 or AAL3" into dicts; raises ValidationError naming the line."""
    parsed, errors, seen = [], [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(",")]
        name = parts[0]
        generation = GENERATION_ALIASES.get(parts[1].lower().replace(" ", "")) if len(parts) > 1 else None
        aal = AAL_ALIASES.get(parts[2].lower().replace(" ", "")) if len(parts) > 2 else None
        if generation == "CIS1" and aal is None:
            aal = "AAL3"
        if not name or generation is None or aal is None or len(parts) > 3:
            errors.append(
                f"Line {number} ('{line.strip()[:60]}'): write the name, CIS1 or CIS2, then AAL2 or AAL3, "
                "separated by commas"
            )
            continue
        if name.lower() in seen:
            errors.append(f"Line {number}: you have listed {name} twice")
            continue
        seen.add(name.lower())
        parsed.append({"name": name, "cis_generation": generation, "min_aal": aal})
    if errors:
        raise forms.ValidationError(errors)
    return parsed


def format_local_applications(applications) -> str:
    return "\n".join(f"{a['name']}, {a['cis_generation']}, {a['min_aal']}" for a in applications)


class ApplicationsForm(StepForm):
    applications = forms.MultipleChoiceField(
        label="Which of these applications do your staff sign in to?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply. 'Unconfirmed' means no NHS source states how it signs users in.",
    )
    local_applications = forms.CharField(
        label="Other applications your staff sign in to with CIS",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="One a line: the name, whether it uses CIS1 or CIS2, and the assurance level it needs "
        "(AAL2 or AAL3), separated by commas. For example: Practice booking system, CIS2, AAL2. "
        "Ask the supplier if you are not sure.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from authenticators.selectors import catalogue_applications

        choices = []
        for application in catalogue_applications():
            label = f"{application.name} ({application.cis_generation}, {application.min_aal})"
            if application.is_unconfirmed:
                label += ", unconfirmed"
            choices.append((application.slug, label))
        self.fields["applications"].choices = choices

    @classmethod
    def initial_from(cls, *, organisation, journey, answers: dict, user=None) -> dict:
        from authenticators.selectors import inventory_for

        inventory = list(inventory_for(organisation))
        return {
            "applications": [a.slug for a in inventory if not a.is_local],
            "local_applications": format_local_applications(
                [
                    {"name": a.name, "cis_generation": a.cis_generation, "min_aal": a.min_aal}
                    for a in inventory
                    if a.is_local
                ]
            ),
        }

    def clean_local_applications(self):
        return parse_local_applications(self.cleaned_data["local_applications"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("applications") and not cleaned.get("local_applications") and not self.errors:
            self.add_error("applications", "Select the applications your staff sign in to, or list your own")
        return cleaned

    def summary_rows(self, answers: dict) -> list[tuple[str, str]]:
        """From the inventory as it is now: the plan pages may have changed it since."""
        live = self.initial_from(organisation=self.organisation, journey=self.journey, answers=answers)
        return [
            (
                str(self.fields["applications"].label),
                display_answer(self.fields["applications"], live["applications"]),
            ),
            (str(self.fields["local_applications"].label), live["local_applications"] or "None"),
        ]


# --- Staff groups and estate -------------------------------------------------------------------


def estate_initial(organisation, answers: dict) -> dict:
    """``estate_<name>`` answers from the estate as recorded now, "not sure" from the saved answers."""
    from authenticators.rules import ESTATE_QUESTIONS
    from authenticators.selectors import estate_for

    estate = estate_for(organisation)
    saved_estate = answers.get("estate") or {}
    initial = {}
    for name in ESTATE_QUESTIONS:
        value = getattr(estate, name)
        if value is None:
            initial[f"estate_{name}"] = saved_estate.get(name)  # "not sure" or never answered
        else:
            initial[f"estate_{name}"] = "yes" if value else "no"
    return initial


class StaffGroupsForm(StepForm):
    """Up to ``MAX_GROUPS`` staff groups (name, head count, applications) and the estate facts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from authenticators.rules import ESTATE_QUESTIONS
        from authenticators.selectors import inventory_for, user_groups_for

        self.existing_groups = list(user_groups_for(self.organisation))
        app_choices = [(a.slug, a.name) for a in inventory_for(self.organisation)]
        self.slot_count = min(MAX_GROUPS, max(len(self.existing_groups) + 1, 2))
        self.slots = []
        for index in range(1, self.slot_count + 1):
            prefix = f"group_{index}"
            self.fields[f"{prefix}_id"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
            self.fields[f"{prefix}_name"] = forms.CharField(
                label="Group name",
                max_length=100,
                required=False,
                help_text="For example, GPs, reception team or locum pharmacists."
                + (" Clear the name to remove this group." if index <= len(self.existing_groups) else ""),
            )
            self.fields[f"{prefix}_head_count"] = forms.IntegerField(
                label="Number of staff in the group",
                required=False,
                min_value=1,
                max_value=100000,
                error_messages={
                    "invalid": "Enter a whole number of staff, like 8",
                    "min_value": "Enter a number of staff of 1 or more",
                    "max_value": "Enter a number of staff of 100,000 or fewer",
                },
            )
            self.fields[f"{prefix}_applications"] = forms.MultipleChoiceField(
                label="Applications this group signs in to",
                choices=app_choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.slots.append(prefix)
        for name, question in ESTATE_QUESTIONS.items():
            self.fields[f"estate_{name}"] = forms.ChoiceField(
                label=question,
                choices=YES_NO_NOT_SURE,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer: {question[0].lower()}{question[1:]}"},
            )
        self.estate_names = list(ESTATE_QUESTIONS)

    @classmethod
    def initial_from(cls, *, organisation, journey, answers: dict, user=None) -> dict:
        from authenticators.selectors import user_groups_for

        initial = {}
        for index, group in enumerate(list(user_groups_for(organisation))[:MAX_GROUPS], start=1):
            initial[f"group_{index}_id"] = group.pk
            initial[f"group_{index}_name"] = group.name
            initial[f"group_{index}_head_count"] = group.head_count
            initial[f"group_{index}_applications"] = [a.slug for a in group.applications.all()]
        initial.update(estate_initial(organisation, answers))
        return initial

    def slot_fields(self):
        """Bound fields per group slot, for the template to put each group in its own fieldset."""
        return [
            {
                "number": number,
                "id": self[f"{prefix}_id"],
                "name": self[f"{prefix}_name"],
                "head_count": self[f"{prefix}_head_count"],
                "applications": self[f"{prefix}_applications"],
            }
            for number, prefix in enumerate(self.slots, start=1)
        ]

    def estate_fields(self):
        return [self[f"estate_{name}"] for name in self.estate_names]

    def clean(self):
        cleaned = super().clean()
        groups, names = [], set()
        existing_ids = {group.pk for group in self.existing_groups}
        for prefix in self.slots:
            name = (cleaned.get(f"{prefix}_name") or "").strip()
            head_count = cleaned.get(f"{prefix}_head_count")
            applications = cleaned.get(f"{prefix}_applications") or []
            group_id = cleaned.get(f"{prefix}_id")
            if group_id not in existing_ids:
                group_id = None
            if not name:
                if (head_count or applications) and not self.has_error(f"{prefix}_head_count"):
                    self.add_error(f"{prefix}_name", "Enter a name for the group")
                continue
            if name.lower() in names:
                self.add_error(f"{prefix}_name", "Give each group a different name")
                continue
            names.add(name.lower())
            if head_count is None and not self.has_error(f"{prefix}_head_count"):
                self.add_error(f"{prefix}_head_count", f"Enter how many staff are in {name}")
            if not applications:
                self.add_error(f"{prefix}_applications", f"Select the applications {name} signs in to")
            groups.append(
                {"id": group_id, "name": name, "head_count": head_count, "applications": applications}
            )
        if not groups and not self.errors:
            self.add_error(f"{self.slots[0]}_name", "Enter at least one staff group")
        cleaned["groups"] = groups
        return cleaned

    def to_answers(self) -> dict:
        return {
            "groups": self.cleaned_data["groups"],
            "estate": {name: self.cleaned_data[f"estate_{name}"] for name in self.estate_names},
        }

    def summary_rows(self, answers: dict) -> list[tuple[str, str]]:
        """From the groups and estate as they are now: the plan pages may have changed them since."""
        live = estate_initial(self.organisation, answers)
        labels = dict(self.fields[f"{self.slots[0]}_applications"].choices) if self.slots else {}
        rows = []
        for group in self.existing_groups:
            apps = ", ".join(labels.get(a.slug, a.name) for a in group.applications.all())
            rows.append((f"Staff group: {group.name}", f"{group.head_count} staff\n{apps}"))
        for name in self.estate_names:
            field = self.fields[f"estate_{name}"]
            rows.append((str(field.label), display_answer(field, live.get(f"estate_{name}"))))
        return rows


# --- Authenticators ----------------------------------------------------------------------------


class AuthenticatorChoiceForm(StepForm):
    """For each staff group, the authenticators it will use, starting from the engine's recommendation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from authenticators.selectors import plan_summary

        self.plan = plan_summary(self.organisation)
        choices = [(a.slug, f"{a.name} ({a.aal})") for a in self.plan.authenticators]
        self.group_plans = []
        for group in self.plan.groups:
            name = f"group_{group.group_id}"
            self.fields[name] = forms.MultipleChoiceField(
                label=f"Authenticators for {group.name}",
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                help_text="We have ticked the smallest set that lets everyone in this group sign in to all "
                "their applications. Change it if you need to.",
                error_messages={"required": f"Select at least one authenticator for {group.name}"},
            )
            # Starts from the plan as it is now, so it is worked out once per request.
            self.initial.setdefault(name, list(group.chosen if group.has_chosen else group.recommended))
            self.group_plans.append((group, name))
        # Applications nothing the estate allows can sign in to: whatever is chosen, they stay
        # uncovered, so the user must confirm they have seen that before the choice is saved.
        from authenticators.presentation import uncoverable_warning

        self.uncoverable_warnings = [
            uncoverable_warning(
                group.name, [app.name for app in group.applications if app.slug in uncoverable]
            )
            for group, _ in self.group_plans
            if (uncoverable := set(group.recommendation.uncoverable))
        ]
        if self.uncoverable_warnings:
            self.fields["confirm_uncovered"] = forms.BooleanField(
                label="I understand that these applications will have no way to sign in until our estate "
                "or the applications change",
                required=False,
            )

    @classmethod
    def initial_from(cls, *, organisation, journey, answers: dict, user=None) -> dict:
        return {}  # set from the plan in __init__

    def clean(self):
        cleaned = super().clean()
        if not self.group_plans:
            raise forms.ValidationError("Add at least one staff group before choosing authenticators")
        from authenticators.presentation import coverage_gap_errors

        for group, name in self.group_plans:
            chosen = cleaned.get(name)
            if not chosen:
                continue
            for error in coverage_gap_errors(group, chosen, self.plan.authenticators):
                self.add_error(name, error)
        if self.uncoverable_warnings and not cleaned.get("confirm_uncovered"):
            self.add_error(
                "confirm_uncovered",
                "Confirm that you understand these applications will have no way to sign in",
            )
        return cleaned

    def to_answers(self) -> dict:
        return {
            "choices": {
                str(group.group_id): {"group": group.name, "authenticators": self.cleaned_data[name]}
                for group, name in self.group_plans
            }
        }

    def groups_with_fields(self):
        from authenticators.rules import explain

        app_names = {a.slug: a.name for g in self.plan.groups for a in g.applications}
        return [
            {
                "plan": group,
                "field": self[name],
                "why": explain(group.recommendation),
                "recommended_names": ", ".join(self.plan.authenticator_name(s) for s in group.recommended),
                "uncoverable_names": ", ".join(app_names.get(s, s) for s in group.recommendation.uncoverable),
            }
            for group, name in self.group_plans
        ]

    def summary_rows(self, answers: dict) -> list[tuple[str, str]]:
        """From the plan as it is now: the plan pages may have changed the choice since."""
        return [
            (
                f"Authenticators for {group.name}",
                ", ".join(self.plan.authenticator_name(s) for s in group.chosen)
                if group.has_chosen
                else "Not chosen",
            )
            for group in self.plan.groups
        ]
