from django.db import models
from django.utils.translation import gettext_lazy as _


class FooterLink(models.Model):
    """A flat page listed in the footer of every page. Staff set it from the
    page's own form in the admin ("Link from the footer")."""

    page = models.OneToOneField(
        "flatpages.FlatPage",
        on_delete=models.CASCADE,
        related_name="footer_link",
        verbose_name=_("page"),
    )
    position = models.PositiveSmallIntegerField(
        _("position in the footer"),
        default=0,
        help_text=_("Footer links are listed from the lowest number, then by title."),
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("footer link")
        verbose_name_plural = _("footer links")

    def __str__(self):
        return str(self.page)
