from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.models import FlatPage
from django.utils.translation import gettext_lazy as _

from .forms import PageForm
from .services import place_in_footer

# Django's flat page admin, with the footer link on the page's own form.
admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class PageAdmin(FlatPageAdmin):
    form = PageForm
    fieldsets = (
        (None, {"fields": ("url", "title", "content", "sites")}),
        (_("Footer"), {"fields": ("in_footer", "footer_position")}),
    )
    list_display = ("url", "title", "shown_in_footer")
    list_filter = ("sites",)
    list_select_related = ("footer_link",)

    @admin.display(boolean=True, description=_("in the footer"))
    def shown_in_footer(self, page: FlatPage) -> bool:
        return hasattr(page, "footer_link")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        place_in_footer(
            page=form.instance,
            shown=form.cleaned_data["in_footer"],
            position=form.cleaned_data["footer_position"] or 0,
        )
