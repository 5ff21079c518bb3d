from members.models import LibraryDomain, MemberLibrary


def make_library(name: str, *domains: str, **fields) -> MemberLibrary:
    """A member library (active unless told) with these email domains."""
    library = MemberLibrary.objects.create(name=name, **fields)
    for domain in domains:
        LibraryDomain.objects.create(library=library, domain=domain)
    return library


def directory() -> list[tuple[str, str, bool, list[str]]]:
    """The whole directory as plain values: name, town, active, domains."""
    return [
        (
            library.name,
            library.town,
            library.is_active,
            [domain.domain for domain in library.domains.all()],
        )
        for library in MemberLibrary.objects.prefetch_related("domains")
    ]
