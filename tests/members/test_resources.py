"""The directory's CSV file as the import reads it (members.resources),
apart from the admin's pages: separators, yes and no, headers as people
type them, and the file being all or nothing."""

import pytest

from members.models import MemberLibrary
from members.resources import CSV, MemberLibraryResource, row_lines, split_domains

from .conftest import directory, make_library

pytestmark = pytest.mark.django_db


def import_csv(content: str, *, dry_run=False):
    dataset = CSV(encoding="utf-8-sig").create_dataset(content.encode("utf-8-sig"))
    return MemberLibraryResource().import_data(dataset, dry_run=dry_run)


def test_domains_are_separated_by_spaces_semicolons_or_commas():
    """Each domain once, normalized, in the cell's order."""
    assert split_domains(" A.org; b.org,c.org  @D.org;;a.org ") == [
        "a.org",
        "b.org",
        "c.org",
        "d.org",
    ]
    assert split_domains("") == []


def test_row_lines_count_blank_lines_and_cells_on_several_lines():
    """The line each data row starts on, the header being line 1."""
    content = 'name,town\nA,x\n\n"B\nBranch",y\nC,z\n'
    assert row_lines(content) == [2, 4, 6]


@pytest.mark.parametrize(
    ("cell", "active"),
    [
        ("yes", True),
        ("YES", True),
        ("true", True),
        ("1", True),
        ("", True),
        ("no", False),
        ("False", False),
        ("0", False),
    ],
)
def test_active_reads_yes_and_no(cell, active):
    """yes/no, true/false, 1/0 in any case; blank is yes."""
    result = import_csv(f"name,active\nShelbyville Library,{cell}\n")
    assert not result.has_validation_errors()
    assert MemberLibrary.objects.get().is_active is active


def test_headers_in_any_case_and_spacing_are_the_columns():
    """A spreadsheet's "Name" and " Domains " are name and domains."""
    result = import_csv(
        "Name, Town ,Domains,Active\nShelbyville Library,Shelbyville,S.org,No\n"
    )
    assert not result.has_validation_errors()
    assert directory() == [("Shelbyville Library", "Shelbyville", False, ["s.org"])]


def test_a_file_without_a_domains_column_leaves_domains_alone():
    """Updating towns only keeps every library's domains."""
    make_library("Shelbyville Library", "shelbyvillelibrary.org")
    import_csv("name,town\nshelbyville library,Shelbyville\n")
    assert directory() == [
        ("shelbyville library", "Shelbyville", True, ["shelbyvillelibrary.org"])
    ]


def test_empty_rows_are_skipped_not_errors():
    """The ",,," rows a spreadsheet leaves at the end import as nothing."""
    result = import_csv("name,town,domains,active\nShelbyville Library,,,\n,,,\n")
    assert not result.has_validation_errors()
    assert MemberLibrary.objects.count() == 1


def test_a_library_twice_in_the_file_is_an_error_and_nothing_is_imported():
    """The second line of a name says where the first is; not even the
    first line's library is added."""
    result = import_csv(
        "name,domains\nShelbyville Library,a.org\nSHELBYVILLE LIBRARY,b.org\n"
    )
    [invalid] = result.invalid_rows
    assert invalid.number == 3
    assert invalid.error_dict == {"name": ["This library is also on line 2."]}
    assert not MemberLibrary.objects.exists()


def test_a_dry_run_writes_nothing():
    """The preview's dry run reports the rows and rolls them back."""
    result = import_csv("name,domains\nShelbyville Library,a.org\n", dry_run=True)
    assert [row.import_type for row in result.rows] == ["new"]
    assert not MemberLibrary.objects.exists()
