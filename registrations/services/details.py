"""A registrant correcting their own details from their self-service page:
their name, library and accommodation request. Never the email address: it
is whom the registration belongs to (one per event and address), so another
address means cancelling and registering again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .. import selectors
from ..models import Registration
from ..validators import BIDI_CONTROLS, one_line_text
from . import locking
from .errors import RegistrationError
from .membership import find_membership

# The registration form's limits (RegistrationForm), for callers without it.
NAME_MAX_LENGTH = 200
ORGANIZATION_MAX_LENGTH = 200
ACCOMMODATION_REQUEST_MAX_LENGTH = 2000


def check_details(*, name: str, organization: str, accommodation_request: str):
    """The registration form's rules for these fields, as one
    ``RegistrationError`` whose message lists what is wrong."""
    problems = []
    if not name:
        problems.append(_("Please give your name."))
    for value, limit in (
        (name, NAME_MAX_LENGTH),
        (organization, ORGANIZATION_MAX_LENGTH),
    ):
        try:
            one_line_text(value)
        except ValidationError as error:
            problems.extend(error.messages)
        if len(value) > limit:
            problems.append(
                _("Please keep this to %(limit)s characters.") % {"limit": limit}
            )
    if len(accommodation_request) > ACCOMMODATION_REQUEST_MAX_LENGTH:
        problems.append(
            _("Please keep the request to %(limit)s characters.")
            % {"limit": ACCOMMODATION_REQUEST_MAX_LENGTH}
        )
    if any(ch in BIDI_CONTROLS for ch in accommodation_request):
        problems.append(_("Please remove the invisible text-direction characters."))
    if problems:
        raise RegistrationError(
            " ".join(dict.fromkeys(str(p) for p in problems)), code="invalid"
        )


def update_registration_details(
    *,
    token: str,
    name: str,
    organization: str = "",
    accommodation_request: str = "",
) -> Registration:
    """Save the registrant's corrected name, library and request.

    Found by the token of the self-service link, under the event's lock as
    the other services do (a cancellation or a revoked link in between is
    seen). Refused once the registration is cancelled, the event cancelled
    or started: the roster staff work from is then settled. Emails already
    queued keep the name they were written with; nothing new is sent.
    """
    name, organization = name.strip(), organization.strip()
    accommodation_request = accommodation_request.strip()
    check_details(
        name=name,
        organization=organization,
        accommodation_request=accommodation_request,
    )
    with transaction.atomic(durable=True):
        registration, event = locking.lock_registration(token=token)
        if not registration.is_open:
            raise RegistrationError(
                _(
                    "This registration is cancelled, so its details can no "
                    "longer change."
                ),
                code=selectors.CANCELLED,
            )
        if event.status == Event.Status.CANCELLED:
            raise RegistrationError(
                _("This event has been cancelled, so there is nothing to change."),
                code=selectors.CANCELLED,
            )
        if timezone.now() >= event.start:
            raise RegistrationError(
                _("This event has started, so the registration can no longer change."),
                code=selectors.CLOSED,
            )
        registration.name = name
        registration.organization = organization
        registration.accommodation_request = accommodation_request
        fields = ["name", "organization", "accommodation_request"]
        if registration.status != Registration.Status.AWAITING_APPROVAL:
            # The library they now name, unless their address says it (a
            # registration awaiting approval keeps the library staff are
            # asked to confirm).
            registration.library_id = find_membership(
                email=registration.email, organization=organization
            ).library_id
            fields.append("library")
        registration.save(update_fields=fields)
        return registration
