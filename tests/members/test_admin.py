"""Staff keep the member library directory in the admin: by hand, with the
domains inline, or as a CSV file exported and imported through the admin's
own import pages (preview, then confirmation)."""

import codecs
import csv
import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import LibraryDomain, MemberLibrary
from tests.dom import find, find_all, parse, text

from .conftest import directory, make_library

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:members_memberlibrary_changelist")
ADD = reverse("admin:members_memberlibrary_add")
IMPORT = reverse("admin:members_memberlibrary_import")
PROCESS_IMPORT = reverse("admin:members_memberlibrary_process_import")
EXPORT = reverse("admin:members_memberlibrary_export")


def add_form(name="Springfield Public Library", town="Springfield", domains=()):
    """The admin's add form as a browser posts it, domains in the inline."""
    data = {
        "name": name,
        "town": town,
        "is_active": "on",
        "domains-TOTAL_FORMS": str(len(domains)),
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, domain in enumerate(domains):
        data[f"domains-{index}-domain"] = domain
    return data


def upload(client, content: str):
    """Step one of an import: the file goes up, the dry run comes back."""
    return client.post(
        IMPORT,
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile(
                "libraries.csv", content.encode("utf-8"), content_type="text/csv"
            ),
        },
    )


def confirm(client, preview):
    """Step two: staff confirm what the preview showed."""
    form = preview.context["confirm_form"]
    return client.post(PROCESS_IMPORT, form.initial, follow=True)


def preview_rows(response) -> list[tuple[str, list[str]]]:
    """The preview table: each row's kind (New, Update, Skipped) and cells."""
    table = find(parse(response), "table", class_="import-preview")
    rows = []
    for row in find_all(table, "tr")[1:]:
        cells = [text(cell) for cell in find_all(row, "td")]
        rows.append((cells[0], cells[1:]))
    return rows


def export_csv(client) -> str:
    response = client.post(EXPORT, {"resource": "0", "format": "0"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="member-libraries-'
    )
    # With a byte order mark, so that a spreadsheet reads it as UTF-8.
    assert response.content.startswith(codecs.BOM_UTF8)
    return response.content.decode("utf-8-sig")


def test_changelist_lists_domains_in_a_fixed_number_of_queries(admin_client):
    """Name, town, every domain and whether active, without a query per row."""
    make_library(
        "Springfield Public Library", "springfieldlibrary.org", town="Springfield"
    )
    make_library("Shelbyville Library", "shelbyville.org", "shelbyvillelibrary.org")
    with CaptureQueriesContext(connection) as few:
        response = admin_client.get(CHANGELIST)
    html = response.content.decode()
    assert "shelbyville.org, shelbyvillelibrary.org" in html
    assert "Springfield" in html
    for number in range(5):
        make_library(f"Library {number}", f"library{number}.org", f"lib{number}.org")
    with CaptureQueriesContext(connection) as more:
        response = admin_client.get(CHANGELIST)
    assert "library4.org" in response.content.decode()
    assert len(more) == len(few)


def test_changelist_searches_name_town_and_domain_and_filters_active(admin_client):
    """A domain finds its library; the active filter hides former members."""
    make_library(
        "Springfield Public Library", "springfieldlibrary.org", town="Springfield"
    )
    make_library("Shelbyville Library", "shelbyville.org", town="Shelbyville")
    make_library("Old Town Library", "oldtown.org", town="Ogdenville", is_active=False)

    def names(**query):
        html = admin_client.get(CHANGELIST, query).content.decode()
        return [
            name
            for name in ("Springfield Public", "Shelbyville Library", "Old Town")
            if name in html
        ]

    assert names(q="springfieldlibrary") == ["Springfield Public"]
    assert names(q="ogdenville") == ["Old Town"]
    assert names(q="shelbyville") == ["Shelbyville Library"]
    assert names(is_active__exact="0") == ["Old Town"]


def test_adding_a_library_with_its_domains(admin_client):
    """Domains typed in the inline are stored normalized with the library."""
    response = admin_client.post(
        ADD, add_form(domains=["@SpringfieldLibrary.org ", "Springfield.lib.ma.us"])
    )
    assert response.status_code == 302
    library = MemberLibrary.objects.get()
    assert (library.name, library.town, library.is_active) == (
        "Springfield Public Library",
        "Springfield",
        True,
    )
    assert list(library.domains.values_list("domain", flat=True)) == [
        "springfield.lib.ma.us",
        "springfieldlibrary.org",
    ]


def test_a_domain_of_another_library_is_refused_on_the_field(admin_client):
    """Staff read whose domain it is; nothing is saved."""
    make_library("Springfield Public Library", "springfieldlibrary.org")
    response = admin_client.post(
        ADD, add_form(name="Shelbyville Library", domains=["SpringfieldLibrary.org"])
    )
    assert response.status_code == 200
    assert "springfieldlibrary.org is a domain of Springfield Public Library." in text(
        parse(response)
    )
    assert MemberLibrary.objects.count() == 1
    assert LibraryDomain.objects.count() == 1


def test_a_bad_or_repeated_domain_is_refused(admin_client):
    """A domain without a dot, or the same one twice in any case, is
    refused with a message, never stored."""
    response = admin_client.post(ADD, add_form(domains=["springfield"]))
    assert response.status_code == 200
    assert "Enter a domain such as springfieldlibrary.org." in text(parse(response))
    response = admin_client.post(
        ADD, add_form(domains=["springfieldlibrary.org", "SpringfieldLibrary.org"])
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data for domain." in text(parse(response))
    assert not MemberLibrary.objects.exists()


def test_a_library_name_in_use_is_refused_in_any_case(admin_client):
    """The same name in another case or spacing is the same library."""
    make_library("Springfield Public Library")
    response = admin_client.post(ADD, add_form(name="springfield  public LIBRARY"))
    assert response.status_code == 200
    assert "A member library of this name exists." in text(parse(response))
    assert MemberLibrary.objects.count() == 1


def test_export_gives_the_directory_as_csv(admin_client):
    """name, town, domains (space separated), active (yes/no), a row per
    library by name."""
    make_library(
        "Springfield Public Library",
        "springfieldlibrary.org",
        "springfield.lib.ma.us",
        town="Springfield",
    )
    make_library("Old Town Library", town="Ogdenville", is_active=False)
    rows = list(csv.reader(io.StringIO(export_csv(admin_client))))
    assert rows == [
        ["name", "town", "domains", "active"],
        ["Old Town Library", "Ogdenville", "", "no"],
        [
            "Springfield Public Library",
            "Springfield",
            "springfield.lib.ma.us springfieldlibrary.org",
            "yes",
        ],
    ]


def test_import_previews_then_saves_on_confirmation(admin_client):
    """The preview shows which rows are new and which update a library
    (matched by name in any case); nothing is written until staff confirm,
    and then a library's domains are exactly those of its row."""
    make_library(
        "Springfield Public Library",
        "springfieldlibrary.org",
        "old-springfield.org",
        town="Springfield",
    )
    content = (
        "name,town,domains,active\n"
        "springfield public library,Springfield,"
        "SpringfieldLibrary.org; springfield.lib.ma.us,yes\n"
        "Shelbyville Library,Shelbyville,shelbyville.org shelbyvillelibrary.org,\n"
        "Old Town Library,Ogdenville,oldtown.org,no\n"
    )
    before = directory()
    preview = upload(admin_client, content)
    assert preview.status_code == 200
    assert [kind for kind, _cells in preview_rows(preview)] == ["Update", "New", "New"]
    assert directory() == before

    response = confirm(admin_client, preview)
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert "Import finished: 2 new, 1 updated" in text(parse(response))
    assert directory() == [
        ("Old Town Library", "Ogdenville", False, ["oldtown.org"]),
        (
            "Shelbyville Library",
            "Shelbyville",
            True,
            ["shelbyville.org", "shelbyvillelibrary.org"],
        ),
        (
            "springfield public library",
            "Springfield",
            True,
            ["springfield.lib.ma.us", "springfieldlibrary.org"],
        ),
    ]


def test_a_file_with_a_bad_row_imports_nothing(admin_client):
    """Each row's errors are listed with the row's line in the file, and no
    confirmation is offered: the directory is unchanged."""
    make_library("Springfield Public Library", "springfieldlibrary.org")
    content = (
        "name,town,domains,active\n"
        "Shelbyville Library,Shelbyville,shelbyvillelibrary.org,yes\n"
        "\n"
        "Capital City Library,Capital City,springfieldlibrary.org,yes\n"
        ",Ogdenville,oldtown.org,yes\n"
        "North Haverbrook Library,,haverbrook shelbyvillelibrary.org,maybe\n"
    )
    before = directory()
    response = upload(admin_client, content)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    errors = {}
    table = find(parse(response), "table", class_="import-preview")
    for row in find_all(table, "tr")[1:]:
        cells = find_all(row, "td")
        errors[text(cells[0])] = text(cells[1])
    assert set(errors) == {"2", "4", "5", "6"}
    assert "shelbyvillelibrary.org is also on line 6." in errors["2"]
    assert (
        "springfieldlibrary.org is a domain of Springfield Public Library."
        in (errors["4"])
    )
    assert "This field cannot be blank." in errors["5"]
    assert "haverbrook: Enter a domain such as springfieldlibrary.org." in (errors["6"])
    assert "shelbyvillelibrary.org is also on line 2." in errors["6"]
    assert "Write yes or no." in errors["6"]
    assert directory() == before


def test_an_export_imports_again_unchanged(admin_client):
    """Every row of a re-imported export is skipped and nothing changes."""
    make_library(
        "Springfield Public Library",
        "springfieldlibrary.org",
        "springfield.lib.ma.us",
        town="Springfield",
    )
    make_library("Old Town Library", town="Ogdenville", is_active=False)
    before = directory()
    preview = upload(admin_client, export_csv(admin_client))
    assert [kind for kind, _cells in preview_rows(preview)] == ["Skipped", "Skipped"]
    response = confirm(admin_client, preview)
    assert "0 new, 0 updated, 0 deleted and 2 skipped" in text(parse(response))
    assert directory() == before


def test_a_domain_moves_between_libraries_of_the_file(admin_client):
    """A domain one row gives up and another row takes moves, whichever
    line comes first."""
    make_library("Springfield Public Library", "springfieldlibrary.org", "shared.org")
    make_library("Shelbyville Library", "shelbyvillelibrary.org")
    content = (
        "name,town,domains,active\n"
        "Shelbyville Library,,shelbyvillelibrary.org shared.org,yes\n"
        "Springfield Public Library,,springfieldlibrary.org,yes\n"
    )
    confirm(admin_client, upload(admin_client, content))
    assert LibraryDomain.objects.get(domain="shared.org").library.name == (
        "Shelbyville Library"
    )


def test_a_confirmation_that_no_longer_imports_cleanly_imports_nothing(admin_client):
    """If the directory changed between the preview and the confirmation so
    that a row fails, the whole file is rolled back and staff are told."""
    content = (
        "name,town,domains,active\n"
        "Capital City Library,Capital City,capitalcitylibrary.org,yes\n"
        "Shelbyville Library,Shelbyville,shelbyvillelibrary.org,yes\n"
    )
    preview = upload(admin_client, content)
    make_library("Springfield Public Library", "shelbyvillelibrary.org")
    before = directory()
    response = confirm(admin_client, preview)
    assert response.redirect_chain[-1][0] == IMPORT
    assert "Nothing was imported" in text(parse(response))
    assert directory() == before


def test_staff_who_may_only_view_the_directory_cannot_import(client):
    """Import adds and changes libraries: viewing them is not enough."""
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_memberlibrary"))
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(IMPORT).status_code == 403
    assert client.post(EXPORT, {"resource": "0", "format": "0"}).status_code == 200
