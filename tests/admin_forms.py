"""Posting admin change forms as a browser would: every field, hidden ones included, with the
values the page showed, so a test changes only what a person would change."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.urls import reverse
from django.utils import timezone


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _field_values(name, value, widget):
    if isinstance(widget, AdminSplitDateTime | forms.SplitDateTimeWidget):
        if isinstance(value, list):  # a bound form holds what was posted, already split
            return {f"{name}_0": value[0] or "", f"{name}_1": value[1] or ""}
        moment = timezone.localtime(value) if value else None
        return {
            f"{name}_0": moment.date().isoformat() if moment else "",
            f"{name}_1": moment.time().isoformat(timespec="seconds") if moment else "",
        }
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if widget.check_test(value) else {}
    if isinstance(value, list | tuple):
        return {name: [str(item) for item in value]}
    return {name: "" if value is None else str(value)}


def _form_values(form):
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        data.update(_field_values(bound.html_name, bound.value(), bound.field.widget))
        if not bound.field.show_hidden_initial:
            continue
        # The hidden copy of a callable default, which tells Django an extra row is untouched;
        # a page shown again after a refused save passes on the copy it was sent.
        if form.is_bound:
            data.update(
                {
                    key: value
                    for key, value in form.data.items()
                    if key.startswith(bound.html_initial_name)
                }
            )
        else:
            # The same value as the field's own (BoundField.initial is computed once): asking
            # the callable again could fall in the next second and make the row look changed.
            data.update(_field_values(bound.html_initial_name, bound.initial, bound.field.widget))
    return data


def change_form_data(response):
    """The data the change page in `response` would post if saved untouched."""
    data = _form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for form in formset.forms:
            data.update(_form_values(form))
    return data
