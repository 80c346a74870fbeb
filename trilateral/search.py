"""Search helpers shared by the QuerySets' `search()` methods."""

from functools import reduce
from operator import or_

from django.db.models import Q


def contains_any(query, *fields):
    """Rows where any of the fields contains the query, case-insensitively.

    Substring matching is what finds Korean and Japanese words inside a sentence, where no
    word-splitting full-text configuration would.
    """
    return reduce(or_, (Q(**{f"{field}__icontains": query}) for field in fields))
