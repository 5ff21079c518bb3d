"""The member library directory answers who is a member (PRODUCT.md §9)."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import (
    ACTIVE_DOMAINS_KEY,
    LibraryDomain,
    MemberLibrary,
    domains_of,
    library_id_for_address,
    library_named,
)

from .conftest import make_library

pytestmark = pytest.mark.django_db


def test_domains_of_an_address_climb_to_the_registrable_domain():
    """An address gives its domain and each one above it but the top level."""
    assert domains_of("a@x.lib.example.org") == [
        "x.lib.example.org",
        "lib.example.org",
        "example.org",
    ]
    assert domains_of("Ada@SpringfieldLibrary.ORG") == ["springfieldlibrary.org"]
    assert domains_of("not an address") == []


def test_an_address_on_a_library_domain_is_that_librarys():
    """The domain matches in any letter case."""
    springfield = make_library("Springfield Public Library", "springfieldlibrary.org")
    make_library("Shelbyville Library", "shelbyvillelibrary.org")
    assert library_id_for_address("ada@springfieldlibrary.org") == springfield.pk
    assert library_id_for_address("Ada@SpringfieldLibrary.org") == springfield.pk
    assert library_id_for_address("ada@example.org") is None


def test_an_address_on_a_subdomain_is_the_librarys_too():
    """staff.springfieldlibrary.org is Springfield's; a look-alike is not."""
    springfield = make_library("Springfield Public Library", "springfieldlibrary.org")
    assert library_id_for_address("ada@staff.springfieldlibrary.org") == springfield.pk
    assert library_id_for_address("ada@notspringfieldlibrary.org") is None


def test_an_inactive_librarys_domain_makes_no_member():
    """A library that left the consortium stays listed but matches nobody."""
    make_library(
        "Springfield Public Library", "springfieldlibrary.org", is_active=False
    )
    assert library_id_for_address("ada@springfieldlibrary.org") is None


def test_the_most_specific_domain_wins():
    """A college library on lib.college.edu is not the college's other
    library on college.edu."""
    college = make_library("College Library", "college.edu")
    law = make_library("College Law Library", "law.college.edu")
    assert library_id_for_address("ada@staff.law.college.edu") == law.pk
    assert library_id_for_address("ada@history.college.edu") == college.pk


def test_library_named_ignores_case_and_spacing_and_inactive_libraries():
    """Staff typing the name in another case or with extra spaces find it;
    a former member is not found."""
    springfield = make_library("Springfield Public Library")
    make_library("Old Town Library", is_active=False)
    assert library_named("springfield  PUBLIC library ") == springfield
    assert library_named("Old Town Library") is None
    assert library_named("   ") is None


def test_a_domain_is_stored_normalized():
    """ "@SpringfieldLibrary.org " is stored as springfieldlibrary.org."""
    library = make_library("Springfield Public Library", "@SpringfieldLibrary.org ")
    assert list(library.domains.values_list("domain", flat=True)) == [
        "springfieldlibrary.org"
    ]


def test_a_domain_belongs_to_one_library_only():
    """Validation says so in words; the database refuses it regardless."""
    make_library("Springfield Public Library", "springfieldlibrary.org")
    shelbyville = make_library("Shelbyville Library")
    duplicate = LibraryDomain(library=shelbyville, domain="SpringfieldLibrary.org")
    duplicate.clean()
    with pytest.raises(ValidationError) as error:
        duplicate.validate_unique()
    assert error.value.message_dict == {
        "domain": ["Another member library has this domain."]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_library_name_is_unique_in_any_case():
    """Two libraries cannot share a name, whatever its case or spacing."""
    make_library("Springfield Public Library")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberLibrary.objects.create(name="springfield  public LIBRARY")


def test_the_directory_is_read_once_and_again_after_any_change(
    django_assert_num_queries,
):
    """The registration form's lookups share one read of the directory (kept
    in the cache); adding a domain, deactivating a library or deleting one
    is seen by the very next lookup."""
    springfield = make_library("Springfield Public Library", "springfieldlibrary.org")
    with django_assert_num_queries(1):
        assert library_id_for_address("a@springfieldlibrary.org") == springfield.pk
        assert library_id_for_address("b@springfieldlibrary.org") == springfield.pk
        assert library_id_for_address("c@example.org") is None
    LibraryDomain.objects.create(library=springfield, domain="spl.example.org")
    assert library_id_for_address("d@spl.example.org") == springfield.pk
    springfield.is_active = False
    springfield.save()
    assert library_id_for_address("e@springfieldlibrary.org") is None
    springfield.is_active = True
    springfield.save()
    assert library_id_for_address("f@springfieldlibrary.org") == springfield.pk
    springfield.delete()
    assert library_id_for_address("g@springfieldlibrary.org") is None


@pytest.mark.django_db(transaction=True)
def test_a_lookup_during_a_change_does_not_keep_the_old_directory():
    """A registration that reads the directory while staff's change is not
    yet committed caches the old one; the commit drops it again."""
    springfield = make_library("Springfield Public Library", "springfieldlibrary.org")
    with transaction.atomic():
        springfield.is_active = False
        springfield.save()
        # What another connection would still read and keep: the old rows.
        cache.set(ACTIVE_DOMAINS_KEY, {"springfieldlibrary.org": springfield.pk})
    assert library_id_for_address("a@springfieldlibrary.org") is None
