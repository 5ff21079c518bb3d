"""CE certificates issued: find one by name, address or code; download it;
withdraw it, or make it again with the attendee's corrected name."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "hours", "issued_at", "state", "code")
    list_filter = (
        ("revoked_at", admin.EmptyFieldListFilter),
        ("event", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "email_normalized", "code", "event__title")
    list_select_related = ("event",)
    date_hierarchy = "issued_at"
    # Everything is as it was issued: a name is corrected on the
    # registration, which makes the certificate again with the same code.
    fields = (
        "name",
        "email_normalized",
        "event",
        "hours",
        "code",
        "verification_page",
        "download",
        "issued_at",
        "revised_at",
        "revoked_at",
        "pdf_made_at",
        "registration",
    )
    readonly_fields = fields
    actions = ("revoke_certificates",)

    def get_queryset(self, request):
        # The PDFs stay in the database until someone downloads one.
        return super().get_queryset(request).defer("pdf")

    def has_add_permission(self, request):
        # Issued by the services when attendance is final.
        return False

    def has_delete_permission(self, request, obj=None):
        # Withdraw instead: the page then says it is no longer valid.
        return False

    @admin.display(description=_("state"))
    def state(self, certificate):
        if certificate.is_revoked:
            return _("Withdrawn")
        if certificate.pdf_made_at is None:
            return _("Being made")
        return _("Issued")

    @admin.display(description=_("verification page"))
    def verification_page(self, certificate):
        url = certificate.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("PDF"))
    def download(self, certificate):
        if not certificate.is_ready:
            return "—"
        url = reverse("admin:registrations_certificate_pdf", args=[certificate.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self):
        return [
            path(
                "<int:certificate_id>/certificate.pdf",
                self.admin_site.admin_view(self.pdf_view),
                name="registrations_certificate_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, certificate_id: int):
        if not self.has_view_permission(request):
            raise Http404
        certificate = Certificate.objects.filter(pk=certificate_id).first()
        if certificate is None or not certificate.is_ready:
            raise Http404
        response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="certificate-{certificate.code[:8]}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(
        description=_("Withdraw selected certificates"), permissions=["change"]
    )
    def revoke_certificates(self, request, queryset):
        ids = list(queryset.valid().values_list("pk", flat=True))
        for certificate_id in ids:
            services.revoke_certificate(certificate_id=certificate_id)
        self.message_user(
            request,
            ngettext(
                "Withdrew %d certificate: its page no longer confirms it.",
                "Withdrew %d certificates: their pages no longer confirm them.",
                len(ids),
            )
            % len(ids),
            messages.SUCCESS,
        )
