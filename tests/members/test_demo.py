"""The demo directory lists the demo registrants' libraries and Springfield's."""

import pytest

from members.demo import DEMO_LIBRARIES, load_member_libraries
from members.models import LibraryDomain, MemberLibrary, library_id_for_address

pytestmark = pytest.mark.django_db


def test_demo_libraries_are_loaded_once():
    """A second run adds nothing and keeps what staff changed."""
    assert load_member_libraries() == len(DEMO_LIBRARIES)
    springfield = MemberLibrary.objects.get(
        pk=library_id_for_address("ada@springfieldlibrary.org")
    )
    assert (springfield.name, springfield.town) == (
        "Springfield Public Library",
        "Springfield",
    )
    MemberLibrary.objects.filter(pk=springfield.pk).update(town="Springfield, MA")
    domains = LibraryDomain.objects.count()
    assert load_member_libraries() == 0
    assert MemberLibrary.objects.count() == len(DEMO_LIBRARIES)
    assert LibraryDomain.objects.count() == domains
    assert MemberLibrary.objects.get(pk=springfield.pk).town == "Springfield, MA"
