from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from organisations.admin import HistoryVersionGuardMixin

from . import services
from .models import ModuleVersion, StaffRole, TrainingModule


class TrainingModuleForm(forms.ModelForm):
    applies_to_roles = forms.MultipleChoiceField(
        choices=StaffRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Applies to",
        help_text="Leave every box empty when the module applies to all technical support staff.",
    )

    class Meta:
        model = TrainingModule
        fields = [
            "title",
            "slug",
            "covers",
            "refresh_months",
            "refresh_period_confidence",
            "notes",
            "applies_to_roles",
            "audience_confidence",
            "is_active",
        ]

    def clean_refresh_months(self):
        # The service's rule, checked here so the admin shows it on the field rather than failing on save.
        refresh_months = self.cleaned_data["refresh_months"]
        try:
            services.validate_refresh_months(refresh_months)
        except ValidationError as error:
            raise ValidationError(error.message_dict["refresh_months"]) from error
        return refresh_months


class ModuleVersionInline(admin.TabularInline):
    model = ModuleVersion
    fields = ["number", "change_note", "published_at", "published_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainingModule)
class TrainingModuleAdmin(HistoryVersionGuardMixin, SimpleHistoryAdmin):
    form = TrainingModuleForm
    list_display = ["title", "refresh_months", "current_version", "applies_to_column", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title", "slug"]
    inlines = [ModuleVersionInline]
    actions = ["publish_new_version"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("versions")

    @admin.display(description="Current version")
    def current_version(self, module):
        numbers = [version.number for version in module.versions.all()]
        return max(numbers) if numbers else "-"

    @admin.display(description="Applies to")
    def applies_to_column(self, module):
        return ", ".join(module.applies_to_labels()) or "All staff"

    def save_model(self, request, obj, form, change):
        if change:
            services.update_module(obj, acting_user=request.user)
        else:
            created = services.create_module(
                slug=obj.slug,
                title=obj.title,
                covers=obj.covers,
                refresh_months=obj.refresh_months,
                applies_to_roles=obj.applies_to_roles,
                notes=obj.notes,
                published_by=request.user,
            )
            obj.pk = created.pk

    @admin.action(description="Publish a new version of the selected module", permissions=["publish"])
    def publish_new_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one module to publish a new version of.", messages.ERROR
            )
            return None
        url = reverse("admin:training_moduleversion_add") + f"?module={queryset.get().pk}"
        return HttpResponseRedirect(url)

    def has_publish_permission(self, request):
        return request.user.has_perm("training.add_moduleversion")


class PublishVersionForm(forms.ModelForm):
    class Meta:
        model = ModuleVersion
        fields = ["module", "change_note"]
        help_texts = {
            "change_note": "What changed, e.g. a new Identity Agent release. Everyone trained on an earlier "
            "version becomes 'refresher due' and their IT leads get one email per organisation."
        }


@admin.register(ModuleVersion)
class ModuleVersionAdmin(admin.ModelAdmin):
    list_display = ["module", "number", "published_at", "published_by"]
    list_select_related = ["module", "published_by"]
    list_filter = ["module"]
    readonly_fields = ["number", "published_at", "published_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PublishVersionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["module", "change_note"]
        return ["module", "number", "change_note", "published_at", "published_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["module", "number", "change_note", "published_at", "published_by"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        version = services.publish_module_version(
            form.cleaned_data["module"],
            change_note=form.cleaned_data["change_note"],
            published_by=request.user,
        )
        obj.pk = version.pk
        obj.number = version.number

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
