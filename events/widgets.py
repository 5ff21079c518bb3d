"""Form widgets that write their HTML in Python.

Django's stock widgets render a template for the widget, one for its
attributes and, in a select, one per option: on the busiest pages (the list's
filter menus, the registration box on every event page) that was most of the
render time. These write the same HTML, byte for byte, from the same context
(the tests compare them with the stock widgets).
"""

from html import escape

from django import forms
from django.utils.safestring import SafeString, mark_safe


def _text(value) -> str:
    """``conditional_escape`` without the wrapper Django puts around it for
    lazy strings, which costs more than the escaping: twice per option."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def _html_attrs(attrs: dict) -> str:
    """' name="value"' pairs as Django's ``attrs.html`` writes them."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickInputMixin:
    """An ``<input>`` as ``input.html`` and ``attrs.html`` write it."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        value = "" if value is None else f' value="{_text(value)}"'
        return mark_safe(  # noqa: S308 - every value escaped
            f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
            f"{value}{_html_attrs(widget['attrs'])}>"
        )


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickEmailInput(QuickInputMixin, forms.EmailInput):
    pass


class SearchBox(QuickInputMixin, forms.SearchInput):
    pass


class QuickTextarea(forms.Textarea):
    """A ``<textarea>`` as ``textarea.html`` writes it."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        value = _text(widget["value"]) if widget["value"] else ""
        return mark_safe(  # noqa: S308 - every value escaped
            f'<textarea name="{_text(widget["name"])}"'
            f"{_html_attrs(widget['attrs'])}>\n{value}</textarea>"
        )


class MenuSelect(forms.Select):
    """A ``Select`` that writes its options in Python.

    The stock widget renders one template per ``<option>``; a filter menu of
    120 categories made that a third of the list page's time. The HTML is
    byte for byte what ``select.html`` and ``select_option.html`` produce,
    options marked selected as ``ChoiceWidget.optgroups`` marks them (once).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # Widget's context (name, value, attributes) without ChoiceWidget's
        # per-option dictionaries, which the loop below replaces.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        values = set(widget["value"])
        parts = [f'<select name="{_text(widget["name"])}"']
        parts.append(_html_attrs(widget["attrs"]) + ">")
        has_selected = False
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                group, options = option_value, option_label
            else:
                group = None
                options = [("" if option_value is None else option_value, option_label)]
            if group:
                parts.append(f'\n  <optgroup label="{_text(group)}">')
            for option, label in options:
                selected = not has_selected and str(option) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{_text(option)}"'
                    f"{' selected' if selected else ''}>{_text(label)}</option>\n"
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
