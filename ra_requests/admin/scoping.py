"""The team-scoping mixin every RA admin uses: RA team members see only their own provider's rows."""

from organisations.admin import RATeamScopedAdminMixin


class ProviderScopedAdminMixin(RATeamScopedAdminMixin):
    """Scopes by a foreign key to the provider the rows are routed to (``provider_lookup``)."""

    provider_lookup = "provider"

    def scope_to_provider(self, queryset, provider):
        return queryset.filter(**{self.provider_lookup: provider})
