"""The project's own <select> template writes what Django's stock one writes."""

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.loader import get_template
from pytest_django.asserts import assertHTMLEqual

CHOICES = [
    ("", "All"),
    ("Europe", [("Europe/London", "London"), ("Europe/Paris", 'Paris & "Île"')]),
    ("UTC", "<UTC>"),
]


def test_the_select_template_is_the_projects():
    """FORM_RENDERER finds templates/django/forms/widgets/select.html first."""
    origin = get_template("django/forms/widgets/select.html").origin.name
    assert origin == str(
        settings.BASE_DIR / "templates/django/forms/widgets/select.html"
    )


@pytest.mark.parametrize("widget_class", [forms.Select, forms.SelectMultiple])
@pytest.mark.parametrize("value", [None, "", "Europe/Paris", ["UTC", "Europe/London"]])
def test_a_select_renders_as_djangos_own_does(widget_class, value):
    """Same elements, attributes, groups, escaping and selection as stock."""
    widget = widget_class(
        choices=CHOICES, attrs={"class": "form-select", "aria-label": 'Zone "x"'}
    )
    ours = widget.render(
        "tz", value, attrs={"id": "id_tz"}, renderer=get_default_renderer()
    )
    stock = widget.render(
        "tz", value, attrs={"id": "id_tz"}, renderer=DjangoTemplates()
    )
    assert "selected" in ours or not value
    assertHTMLEqual(ours, stock)
