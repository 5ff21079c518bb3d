"""The demo member library directory: the libraries of the demo registrants
(``registrations.demo``) and Springfield's, with the domains their staff
write from.

Safe to run again: a library is found by name and a domain already listed
is left where it is, so nothing staff changed since is undone.
"""

from .models import LibraryDomain, MemberLibrary

# (name, town, domains)
DEMO_LIBRARIES = [
    ("Springfield Public Library", "Springfield", ["springfieldlibrary.org"]),
    ("Riverside Public Library", "Riverside", ["riversidepubliclibrary.org"]),
    (
        "Lakeview Community College Library",
        "Lakeview",
        # A college library's staff write from the college's domain.
        ["lakeviewcc.edu"],
    ),
    ("Millbrook Public Library", "Millbrook", ["millbrooklibrary.org"]),
    (
        "Cedar County Library System",
        "Cedar Falls",
        # The system's branches share its domain and keep an older one.
        ["cedarcountylibraries.org", "cclsmail.org"],
    ),
    ("Northgate High School Library", "Northgate", ["northgateschools.org"]),
    ("Harbor City Public Library", "Harbor City", ["harborcitylibrary.org"]),
    ("Westfield Memorial Library", "Westfield", ["westfieldmemorial.org"]),
    ("Pine Valley Public Library", "Pine Valley", ["pinevalleylibrary.org"]),
]


def load_member_libraries() -> int:
    """Create the demo libraries and their domains; return how many
    libraries were new."""
    created = 0
    for name, town, domains in DEMO_LIBRARIES:
        library = MemberLibrary.objects.filter(name__iexact=name).first()
        if library is None:
            library = MemberLibrary.objects.create(name=name, town=town)
            created += 1
        for domain in domains:
            LibraryDomain.objects.get_or_create(
                domain=domain, defaults={"library": library}
            )
    return created
