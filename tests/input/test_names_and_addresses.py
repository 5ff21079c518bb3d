"""Issue 11, points 8 and 10: a name or an organization is one line of
visible text, and an email address is at a public domain. The form says what
is wrong on the field; the service refuses the same input for callers
without a form, before it locks anything; nothing is stored or mailed."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from registrations.models import Registration
from registrations.services import RegistrationError, register_for_event
from registrations.validators import one_line_text, public_email_domain
from tests import dom
from tests.builders import make_event, post_registration

pytestmark = pytest.mark.django_db

PERSIAN = "فاطمه\u200cزاده"  # noqa: RUF001 - a ZWNJ inside a family name
INJECTION = "Ann\nBcc: victim@example.net\nX-Injected: 1"

NOT_ONE_LINE = [
    pytest.param(INJECTION, "control_character", id="header injection (LF)"),
    pytest.param("Ann\r\nBcc: victim@example.net", "control_character", id="CRLF"),
    pytest.param("Ann\rLee", "control_character", id="CR"),
    pytest.param("Ann\tLee", "control_character", id="tab"),
    pytest.param("Ann\x00Lee", "control_character", id="NUL"),
    pytest.param("Ann\x7fLee", "control_character", id="DEL"),
    pytest.param("Ann\x85Lee", "control_character", id="C1 next line"),
    pytest.param("Ann\x9bLee", "control_character", id="C1 CSI"),
    pytest.param("\x1b[31mAnn\x1b[0m", "control_character", id="ANSI escape"),
    pytest.param("Ann\u2028Lee", "control_character", id="line separator"),
    pytest.param("Ann \u202egro.live", "bidi_control", id="RTL override"),
    pytest.param("Ann \u202aLee", "bidi_control", id="LTR embedding"),
    pytest.param("Ann \u2066Lee\u2069", "bidi_control", id="isolate"),
    pytest.param("\u200b", "invisible_only", id="zero-width space only"),
    pytest.param("\u200d\u200c", "invisible_only", id="joiners only"),
    pytest.param("\u2060 \ufeff", "invisible_only", id="word joiner and BOM"),
]

ONE_LINE = [
    "Ada Lovelace",
    "Zoë Ōtani 😀",
    PERSIAN,
    "क्\u200dष",  # a zero-width joiner inside Devanagari
    "Ngũgĩ wa Thiong'o",
    "李小龍",
    "",  # an empty organization is for "required" to judge
]

NON_PUBLIC = [
    "root@localhost",
    "root@[127.0.0.1]",
    "root@[IPv6:::1]",
    "root@127.0.0.1",
    "ada@library",
    "ada@mail.localhost",
    "ada@library.invalid",
    "ada@library.test",
    "ada@printer.local",
    "ada@server.internal",
    "ada@router.home.arpa",
    "ada@hidden.onion",
]

PUBLIC = [
    "ada@example.org",
    "ada@example.net",
    "ada@example.com",
    "ada@library.example.org",
    "ada@library.example",
    "Ada.Lovelace@Example.ORG",
    "ada@bücher.de",
    "ada@lib.co.uk",
]


@pytest.mark.parametrize(("value", "code"), NOT_ONE_LINE)
def test_one_line_text_refuses_breaks_controls_and_invisible_values(value, code):
    """Line breaks, tabs, C0/C1 controls, ANSI escapes, direction overrides
    and values of zero-width characters alone are refused, each with a code
    of its own."""
    with pytest.raises(ValidationError) as refused:
        one_line_text(value)
    assert refused.value.code == code
    assert str(refused.value.message)


@pytest.mark.parametrize("value", ONE_LINE)
def test_one_line_text_accepts_names_in_any_script(value):
    """Names in any script pass, joiners inside a name included."""
    one_line_text(value)


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_addresses_that_do_not_reach_a_public_mailbox_are_refused(address):
    """IP literals, single labels and private-use domains are refused."""
    with pytest.raises(ValidationError) as refused:
        public_email_domain(address)
    assert refused.value.code == "non_public_domain"


@pytest.mark.parametrize("address", PUBLIC)
def test_addresses_at_public_domains_pass(address):
    """Addresses at dotted public domains pass, the sample domains too."""
    public_email_domain(address)


def field_error(response, field: str) -> str:
    """The words of the error shown under ``field``."""
    return dom.text(dom.find(dom.parse(response), id=f"id_{field}_error"))


@pytest.mark.parametrize("field", ["name", "organization"])
def test_a_header_injected_through_the_form_is_refused_on_its_field(
    client, django_capture_on_commit_callbacks, field
):
    """The form comes back with the message on the field that holds the line
    break; no registration is stored and no email sent."""
    event = make_event("Webinar")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_registration(client, event, **{field: INJECTION})
    assert response.status_code == 200
    assert "on one line" in field_error(response, field)
    assert Registration.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(("value", "code"), NOT_ONE_LINE)
def test_the_form_refuses_every_kind_of_bad_name(client, value, code):
    """Each refused kind of name gets its message on the name field, and
    nothing is stored."""
    event = make_event("Webinar")
    response = post_registration(client, event, name=value)
    assert response.status_code == 200
    assert field_error(response, "name")
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_the_form_refuses_non_public_addresses_on_the_email_field(
    client, django_capture_on_commit_callbacks, address
):
    """root@localhost and its kind come back with a message on the email
    field saying to use a public domain; nothing stored, nothing mailed."""
    event = make_event("Webinar")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_registration(client, event, email=address)
    assert response.status_code == 200
    assert field_error(response, "email")
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_the_message_for_a_local_address_names_what_to_do(client):
    """The message for root@localhost is the public-domain one."""
    response = post_registration(client, make_event("Webinar"), email="root@localhost")
    assert "public domain" in field_error(response, "email")


def test_the_form_accepts_a_persian_name_and_a_sample_address(client):
    """A name with a joiner inside and an example.org address register."""
    event = make_event("Webinar")
    response = post_registration(
        client, event, name=PERSIAN, email="fateme@example.org"
    )
    assert response.status_code == 302
    assert Registration.objects.get().name == PERSIAN


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"name": INJECTION}, id="name with line breaks"),
        pytest.param({"organization": "Library\nBcc: x@example.net"}, id="org"),
        pytest.param({"name": "\u200b"}, id="invisible name"),
        pytest.param({"email": "root@localhost"}, id="localhost"),
        pytest.param({"email": "root@[127.0.0.1]"}, id="IP literal"),
        pytest.param({"email": "ada@library"}, id="single label"),
        pytest.param({"email": "not an address@example.org"}, id="not an address"),
    ],
)
def test_the_service_refuses_the_same_input_before_locking(
    django_assert_num_queries, django_capture_on_commit_callbacks, fields
):
    """register_for_event raises RegistrationError "invalid" with a message
    for the person, without a single query (so before the event lock), and
    stores and sends nothing."""
    event = make_event("Webinar")
    arguments = {"name": "Ada", "email": "ada@example.org", **fields}
    with (
        django_capture_on_commit_callbacks(execute=True),
        django_assert_num_queries(0),
        pytest.raises(RegistrationError) as refused,
    ):
        register_for_event(event_id=event.pk, **arguments)
    assert refused.value.code == "invalid"
    assert refused.value.message
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_the_service_still_registers_a_good_registrant(
    django_capture_on_commit_callbacks,
):
    """A one-line name and an example.org address register and are mailed."""
    event = make_event("Webinar")
    with django_capture_on_commit_callbacks(execute=True):
        result = register_for_event(
            event_id=event.pk,
            name="Ada Lovelace",
            email="ada@example.org",
            organization="Springfield Public Library",
        )
    assert result.created
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
