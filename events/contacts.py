"""Which contact addresses may be shown to the public.

A placeholder (an address on a domain reserved for examples and tests, such
as ``accessibility@almanac.invalid`` or ``access@example.org``) must never
reach a page or an email: a member who writes to it asking for captions
hears nothing back. Where a contact would appear and only a placeholder is
configured, the contact is left out instead, and ``manage.py check --deploy``
warns (``pages.checks``).
"""

# Names that can never be someone's real mailbox (RFC 2606 and RFC 6761):
# these top-level domains, and example.com/.net/.org with their subdomains.
RESERVED_TOP_LEVEL_DOMAINS = frozenset({"invalid", "test", "example", "localhost"})
EXAMPLE_DOMAINS = frozenset({"example.com", "example.net", "example.org"})


def is_placeholder_address(address: str) -> bool:
    """True for an address on a domain reserved for examples and tests."""
    domain = address.rpartition("@")[2].strip().rstrip(".").lower()
    if domain.rpartition(".")[2] in RESERVED_TOP_LEVEL_DOMAINS:
        return True
    return any(
        domain == example or domain.endswith(f".{example}")
        for example in EXAMPLE_DOMAINS
    )


def public_email(address: str | None) -> str:
    """``address`` if it may be shown to the public, else ``""`` (not set,
    or a placeholder)."""
    address = (address or "").strip()
    if not address or is_placeholder_address(address):
        return ""
    return address
