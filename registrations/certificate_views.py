"""The certificate's public verification page and the registrant's download
(PRODUCT.md §11).

The verification page is what an employer opens from the code or the QR
code printed on a certificate: it confirms the name, the event, its date
and the CE hours, nothing more. Its code is 160 random bits, so it needs no
other protection, and nothing on it helps anyone find other codes.

The download serves the PDF the task worker made and stored: a PDF is
never rendered in a request.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from events.templatetags.event_tags import event_when

from .models import Certificate
from .models.certificate import is_certificate_code
from .selectors import get_registration_by_token
from .views import private, unknown_link


@never_cache  # a withdrawal must show at once, never from a cache
@require_safe
def verify_certificate(request, code: str):
    """200 with what the certificate certifies; 404 for a code no
    certificate has; 410 Gone for a withdrawn one. Gone rather than a 200
    that says so: whoever checks the status (a person's browser tab, an
    HR system's link checker) learns it is no longer valid, not "found"."""
    certificate = None
    if is_certificate_code(code):  # else no query: see the pattern
        certificate = (
            Certificate.objects.select_related("event")
            .defer("pdf", "email_normalized")
            .filter(code=code)
            .first()
        )
    if certificate is None:
        return render(
            request, "registrations/certificate.html", {"state": "unknown"}, status=404
        )
    if certificate.is_revoked:
        return render(
            request, "registrations/certificate.html", {"state": "revoked"}, status=410
        )
    event = certificate.event
    return render(
        request,
        "registrations/certificate.html",
        {
            "state": "valid",
            "name": certificate.name,
            "title": event.title,
            "when": event_when(event),
            "hours": certificate.hours_text,
        },
    )


@never_cache
@require_safe
def download_certificate(request, token: str):
    """The registrant's certificate, from the link on their page: the
    stored PDF as an attachment, or a page saying why there is none."""
    registration = get_registration_by_token(token)
    if registration is None:
        return unknown_link(request)
    certificate = (
        Certificate.objects.valid()
        .filter(registration=registration)
        .only("pdf", "pdf_made_at")
        .first()
    )
    if certificate is None or not certificate.pdf_made_at or not certificate.pdf:
        return private(
            render(
                request,
                "registrations/certificate_unavailable.html",
                {
                    "token": token,
                    "event": registration.event,
                    # Issued, its PDF still with the worker (or made again
                    # after a corrected name): it will come by email.
                    "being_made": certificate is not None,
                },
                status=404,
            )
        )
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"certificate-{registration.event.slug}.pdf"
    )
    return private(response)
