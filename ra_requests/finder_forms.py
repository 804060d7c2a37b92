from django import forms

from organisations.selectors import active_icbs


class FinderSearchForm(forms.Form):
    q = forms.CharField(
        label="ODS code, practice name or postcode",
        help_text=(
            "Your ODS code is the code the NHS Organisation Data Service (ODS) gives each organisation. "
            "For example, A81001, Densham Surgery or TS18 1HU"
        ),
        max_length=100,
        error_messages={
            "required": "Enter an ODS code, a practice name or a postcode",
            "max_length": "Search must be 100 characters or fewer",
        },
    )

    def clean_q(self):
        text = " ".join(self.cleaned_data["q"].split())
        if len(text.replace(" ", "")) < 2:
            raise forms.ValidationError("Enter at least 2 letters or numbers to search for")
        return text


class FinderICBForm(forms.Form):
    icb = forms.ModelChoiceField(
        label="Or choose your integrated care board (ICB)",
        queryset=active_icbs(),
        to_field_name="ods_code",
        empty_label="Choose an ICB",
        error_messages={
            "required": "Choose your integrated care board",
            "invalid_choice": "Choose an integrated care board from the list",
        },
    )
