from django.contrib.flatpages.models import FlatPage

from .models import FooterLink


def place_in_footer(*, page: FlatPage, shown: bool, position: int = 0) -> None:
    """List ``page`` in the footer at ``position``, or take it out."""
    if shown:
        FooterLink.objects.update_or_create(page=page, defaults={"position": position})
    else:
        # One by one, with signals: each removal makes cached pages stale.
        FooterLink.objects.filter(page=page).delete()
