"""A user's own and their groups' permissions, read in one query for Django's model backend."""

from django.contrib.auth.models import Permission
from django.db.models import Value

from cis_portal.compiled_queries import PLACEHOLDER, CompiledQuery

OWN, GROUPS = "user", "group"


def _permissions_query(user_id):
    def codes(source, **lookup):
        return (
            Permission.objects.filter(**lookup)
            .annotate(source=Value(source))
            .values_list("source", "content_type__app_label", "codename")
            .order_by()
        )

    return codes(OWN, user=user_id).union(codes(GROUPS, group__user=user_id), all=True)


# Every admin page asks for the viewer's permissions: compiled once per connection.
PERMISSIONS = CompiledQuery(_permissions_query, (PLACEHOLDER,))


class PermissionsInOneQueryBackend:
    """Listed just before ``ModelBackend``. It signs no one in and grants nothing: it fills the three
    caches ``ModelBackend`` keeps on the user (own, groups' and all permissions) from one compiled
    query, where ``ModelBackend`` would build and run two on every request, and ``ModelBackend``
    answers from them. It has no ``get_user``, so sessions and test logins keep naming
    ``ModelBackend``. Per-object checks, inactive users and superusers are left to ``ModelBackend``.
    """

    def authenticate(self, request, **credentials):
        return None

    def get_user_permissions(self, user_obj, obj=None):
        self._load(user_obj, obj)
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        self._load(user_obj, obj)
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        self._load(user_obj, obj)
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        self._load(user_obj, obj)
        return False

    def has_module_perms(self, user_obj, app_label):
        self._load(user_obj, None)
        return False

    @staticmethod
    def _load(user_obj, obj) -> None:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous or user_obj.is_superuser:
            return
        if hasattr(user_obj, "_perm_cache"):
            return
        found = {OWN: set(), GROUPS: set()}
        for source, app_label, codename in PERMISSIONS.rows(user_obj.pk):
            found[source].add(f"{app_label}.{codename}")
        user_obj._user_perm_cache, user_obj._group_perm_cache = found[OWN], found[GROUPS]
        user_obj._perm_cache = found[OWN] | found[GROUPS]
