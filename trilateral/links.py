"""Addresses of records: each view is reversed once, not once per record it links to."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# A slug, code or id made only of these comes out of reverse() as it went in, so it can take
# the place of another in an address already reversed.
PLAIN_LOOKUP = re.compile(r"[-a-zA-Z0-9_]+")

# (view name, URLconf, script prefix, language) → the address around the lookup.
_around_lookup = {}
# (view name, URLconf, script prefix, language) → the address of a list view.
_list_paths = {}


def reversed_once_key(view_name):
    """What a reversed address depends on besides the view: the URLconf, the script prefix and
    the language (the language prefix of the public pages)."""
    return (view_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())


def record_path(view_name, lookup):
    """`reverse(view_name, args=[lookup])`, for every page, feed and API response that links to
    records: a list links to hundreds of them, and reverse() costs more than the rest of a link.

    The first lookup that occurs only once in its address shows where any other goes; the rest
    of the address is the view's, the same for every record under one URLconf, script prefix
    and language (the language prefix of the public pages). A lookup that reverse() would quote
    is reversed as it is."""
    lookup = str(lookup)
    if not PLAIN_LOOKUP.fullmatch(lookup):
        return reverse(view_name, args=[lookup])
    key = reversed_once_key(view_name)
    around = _around_lookup.get(key)
    if around is not None:
        return f"{around[0]}{lookup}{around[1]}"
    path = reverse(view_name, args=[lookup])
    if path.count(lookup) == 1:
        _around_lookup[key] = tuple(path.split(lookup))
    return path


def filtered_list_path(view_name, **filters):
    """The address of a list filtered to one record (`filtered_list_path("meetings:meeting_list",
    series=slug)`): where a page or an API record links to children that grow with every
    meeting, listed a page at a time. An API list links one for each of its records."""
    key = reversed_once_key(view_name)
    path = _list_paths.get(key)
    if path is None:
        path = _list_paths[key] = reverse(view_name)
    return f"{path}?{urlencode(filters)}"
