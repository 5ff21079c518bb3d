"""The member library directory as a CSV file, for import and export in the
admin (django-import-export).

One row per library: ``name, town, domains, active``. ``domains`` holds all
of a library's email domains, separated by spaces, semicolons or commas;
``active`` is yes/no (true/false, 1/0; blank means yes). A row updates the
library of that name, whatever its letter case, or adds one; its domains
become exactly those listed.

An import is all or nothing: a row that fails (a bad domain, a domain of
another library or on two lines of the file, no name) fails the whole file,
and the preview says which line and why.
"""

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Result, RowResult

from .models import (
    LibraryDomain,
    MemberLibrary,
    normalize_domain,
    normalize_library_name,
)

DOMAIN_SEPARATORS = re.compile(r"[\s,;]+")
YES = frozenset({"yes", "true", "1"})
NO = frozenset({"no", "false", "0"})


def split_domains(cell) -> list[str]:
    """The domains of one cell, normalized, each once, in the cell's order."""
    domains = (normalize_domain(part) for part in DOMAIN_SEPARATORS.split(cell or ""))
    return list(dict.fromkeys(domain for domain in domains if domain))


def row_lines(text: str) -> list[int]:
    """The line of the file each data row starts on, as tablib reads them:
    the header is line 1 and blank lines are no rows. Counting rows instead
    would drift from what staff see in their editor after a blank line or a
    cell written over several lines."""
    reader = csv.reader(io.StringIO(text))
    lines = []
    start = 1
    for index, row in enumerate(reader):
        if index and row:
            lines.append(start)
        start = reader.line_num + 1
    return lines


def join_lines(lines) -> str:
    return ", ".join(str(line) for line in lines)


class CSV(base_formats.CSV):
    """CSV whose dataset knows the file line of each row (``source_lines``),
    so that errors name the line staff can find."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        dataset = super().create_dataset(in_stream, **kwargs)
        if isinstance(in_stream, str):
            dataset.source_lines = row_lines(in_stream)
        return dataset


class LibraryNameWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return normalize_library_name(str(value or ""))


class TownWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return str(value or "").strip()


class YesNoWidget(widgets.Widget):
    """Written yes or no; a spreadsheet's TRUE/FALSE and 1/0 read too, and a
    blank cell is yes, as a new library is active."""

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if not text or text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("Write yes or no."))

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class DomainListWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return split_domains(str(value or ""))

    def render(self, value, obj=None, **kwargs):
        return " ".join(value or [])


class DomainsField(fields.Field):
    """A library's domains in one cell. They live in their own table, so the
    resource checks and saves them itself (``import_instance``,
    ``after_save_instance``); the field, having no attribute to set, only
    reads them: for the export, the preview's before and after, and telling
    an unchanged row."""

    def get_value(self, instance):
        pending = getattr(instance, "pending_domains", None)
        if pending is not None:
            return pending
        if instance.pk is None:
            return []
        # Prefetched on export (MemberLibraryResource.filter_export).
        return [domain.domain for domain in instance.domains.all()]


class LibraryImportResult(Result):
    def row_errors(self):
        # By the row's own number (a line of the file, see after_import), not
        # its place among the rows reported.
        return [(row.number, row.errors) for row in self.error_rows]


class MemberLibraryResource(resources.ModelResource):
    name = fields.Field(
        attribute="name", column_name="name", widget=LibraryNameWidget()
    )
    town = fields.Field(attribute="town", column_name="town", widget=TownWidget())
    domains = DomainsField(column_name="domains", widget=DomainListWidget())
    active = fields.Field(
        attribute="is_active", column_name="active", widget=YesNoWidget()
    )

    class Meta:
        model = MemberLibrary
        name = _("Member libraries")
        fields = ("name", "town", "domains", "active")
        import_order = export_order = fields
        import_id_fields = ("name",)
        use_transactions = True
        clean_model_instances = True
        # A re-imported export shows every row as skipped and writes nothing.
        skip_unchanged = True

    @classmethod
    def get_result_class(cls):
        return LibraryImportResult

    def get_queryset(self):
        return MemberLibrary.objects.prefetch_related("domains")

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related(None).prefetch_related("domains")

    def import_data(self, dataset, **kwargs):
        # All or nothing, whoever calls: django-import-export rolls back a
        # failed row's exception by itself, but keeps the other rows when one
        # fails validation unless asked. The admin's preview offers no
        # confirmation for a file with errors; this covers the confirmation
        # of a file that the directory's changes since made wrong.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        """Read the whole file first: a name or a domain on two lines, and
        the libraries whose domains the file itself decides."""
        # Headers as people type them in a spreadsheet: "Name", " Town ".
        dataset.headers = [
            str(header or "").strip().lower() for header in dataset.headers or []
        ]
        self.source_lines = getattr(dataset, "source_lines", None)
        self.lines_of_name = {}
        self.lines_of_domain = {}
        has_domains = "domains" in dataset.headers
        for number, values in enumerate(dataset.dict, start=1):
            line = self.line_of(number)
            name = normalize_library_name(str(values.get("name") or ""))
            if name:
                self.lines_of_name.setdefault(name.lower(), []).append(line)
            if has_domains:
                for domain in split_domains(str(values.get("domains") or "")):
                    self.lines_of_domain.setdefault(domain, []).append(line)

    def line_of(self, row_number: int) -> int:
        """The line of the file a row starts on; the header is line 1."""
        if self.source_lines and row_number <= len(self.source_lines):
            return self.source_lines[row_number - 1]
        return row_number + 1

    def import_row(self, row, instance_loader, **kwargs):
        # A spreadsheet saved as CSV keeps its empty rows as ",,,": nothing
        # to import there, and no name to miss.
        if not any(str(value or "").strip() for value in row.values()):
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        """The library of the row's name, whatever its letter case."""
        name = normalize_library_name(str(row.get("name") or ""))
        if not name:
            return None
        return MemberLibrary.objects.filter(name__iexact=name).first()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        line = self.line_of(kwargs["row_number"])
        if instance.name:
            other_lines = [
                other
                for other in self.lines_of_name.get(instance.name.lower(), [])
                if other != line
            ]
            if other_lines and other_lines[0] < line:
                errors.setdefault("name", []).append(
                    ValidationError(
                        _("This library is also on line %(lines)s."),
                        params={"lines": join_lines(other_lines)},
                    )
                )
        if "domains" in row:
            instance.pending_domains = sorted(split_domains(str(row["domains"] or "")))
            problems = self.domain_problems(instance, line)
            if problems:
                errors["domains"] = problems
        if errors:
            raise ValidationError(errors)

    def domain_problems(self, library, line) -> list[ValidationError]:
        """What is wrong with the domains a row gives its library."""
        problems = []
        for domain in library.pending_domains:
            try:
                LibraryDomain(domain=domain).clean_fields(exclude=["library"])
            except ValidationError as error:
                problems.extend(
                    ValidationError(
                        _("%(domain)s: %(problem)s"),
                        params={"domain": domain, "problem": message},
                    )
                    for message in error.messages
                )
                continue
            other_lines = [
                other for other in self.lines_of_domain.get(domain, []) if other != line
            ]
            if other_lines:
                problems.append(
                    ValidationError(
                        _("%(domain)s is also on line %(lines)s."),
                        params={"domain": domain, "lines": join_lines(other_lines)},
                    )
                )
        owners = (
            LibraryDomain.objects.filter(domain__in=library.pending_domains)
            .exclude(library_id=library.pk)
            .select_related("library")
        )
        for owner in owners:
            # A library of the file gives up the domain on its own line (or
            # keeps it, and the domain is on two lines): only a library the
            # file leaves alone holds on to it.
            if owner.library.name.lower() not in self.lines_of_name:
                problems.append(
                    ValidationError(
                        _("%(domain)s is a domain of %(library)s."),
                        params={"domain": owner.domain, "library": owner.library},
                    )
                )
        return problems

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        try:
            super().validate_instance(
                instance, import_validation_errors, validate_unique=validate_unique
            )
        except ValidationError as error:
            # Named by the file's columns ("active"), not the model's fields.
            columns = {
                field.attribute: field.column_name
                for field in self.get_import_fields()
                if field.attribute
            }
            raise ValidationError(
                {
                    columns.get(key, key): value
                    for key, value in error.error_dict.items()
                }
            ) from None

    def after_save_instance(self, instance, row, **kwargs):
        """The library's domains become exactly the row's. A domain another
        library of the file gave up on its own line moves here, whichever
        line comes first."""
        domains = getattr(instance, "pending_domains", None)
        if domains is None:
            return
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        instance.domains.exclude(domain__in=domains).delete()
        LibraryDomain.objects.filter(domain__in=domains).exclude(
            library=instance
        ).update(library=instance)
        held = set(instance.domains.values_list("domain", flat=True))
        LibraryDomain.objects.bulk_create(
            LibraryDomain(library=instance, domain=domain)
            for domain in domains
            if domain not in held
        )

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        for row in (*result.invalid_rows, *result.error_rows):
            row.number = self.line_of(row.number)
