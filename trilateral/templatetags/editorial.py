"""The editorial dashboard on the admin's front page."""

from django import template

from trilateral.dashboard import dashboard

register = template.Library()


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    return dashboard(context["request"].user)
