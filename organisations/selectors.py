from .models import Organisation, RAProvider


def active_icbs():
    return RAProvider.objects.icbs().active().order_by("name")


def national_ra_team() -> RAProvider | None:
    return RAProvider.objects.national().active().first()


def organisation_by_ods_code(ods_code: str) -> Organisation | None:
    from .validators import normalise_ods_code

    return Organisation.objects.select_related("icb").filter(ods_code=normalise_ods_code(ods_code)).first()
