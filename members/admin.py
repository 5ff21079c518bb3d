"""Staff admin for the member library directory (PRODUCT.md §9): the
libraries, their email domains, and the directory as a CSV file to import
and export (``members.resources``)."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ExportForm

from .forms import LibraryDomainForm, MemberLibraryForm
from .models import LibraryDomain, MemberLibrary
from .resources import CSV, MemberLibraryResource

DOMAIN_PERMISSIONS = (
    "members.add_librarydomain",
    "members.change_librarydomain",
    "members.delete_librarydomain",
)


class LibraryDomainInline(admin.TabularInline):
    model = LibraryDomain
    form = LibraryDomainForm
    extra = 1


@admin.register(MemberLibrary)
class MemberLibraryAdmin(ImportExportModelAdmin):
    form = MemberLibraryForm
    inlines = [LibraryDomainInline]
    list_display = ["name", "town", "domain_list", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "town", "domains__domain"]
    search_help_text = _("Name, town or email domain.")

    resource_classes = [MemberLibraryResource]
    import_formats = [CSV]
    export_formats = [CSV]
    # The whole file, every column: an export is a file to import again.
    export_form_class = ExportForm
    # With its byte order mark, a spreadsheet reads the file as UTF-8.
    to_encoding = "utf-8-sig"
    import_template_name = "admin/members/memberlibrary/import.html"
    import_error_display = ("message", "row")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description=_("email domains"))
    def domain_list(self, library):
        return ", ".join(domain.domain for domain in library.domains.all())

    def get_export_filename(self, request, queryset, file_format):
        day = timezone.localdate()
        return f"member-libraries-{day:%Y-%m-%d}.{file_format.get_extension()}"

    def has_import_permission(self, request):
        # An import adds and changes libraries and replaces their domains.
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and request.user.has_perms(DOMAIN_PERMISSIONS)
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def process_result(self, result, request):
        """The confirmed import runs the file again, in one transaction. If
        the directory changed since the preview and a row fails now, the
        transaction was rolled back: say so instead of "Import finished"."""
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "Nothing was imported: the directory changed since the "
                    "preview and the file no longer imports cleanly. Import "
                    "it again to see why."
                ),
            )
            return HttpResponseRedirect(
                reverse(
                    "admin:members_memberlibrary_import",
                    current_app=self.admin_site.name,
                )
            )
        return super().process_result(result, request)
