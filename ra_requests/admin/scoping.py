"""The team-scoping mixin every RA admin uses: RA team members see only their own provider's rows."""

from organisations.access import is_national_admin, ra_provider_for_user


class ProviderScopedAdminMixin:
    """RA team members see only rows routed to their own provider; national admins see everything."""

    provider_lookup = "provider"

    def _sees_everything(self, request) -> bool:
        return request.user.is_superuser or is_national_admin(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._sees_everything(request):
            return queryset
        provider = ra_provider_for_user(request.user)
        if provider is None:
            return queryset.none()
        return queryset.filter(**{self.provider_lookup: provider})
