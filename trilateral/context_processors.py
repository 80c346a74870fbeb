"""Values every public page template needs."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from trilateral.translation import current_language

OPEN_GRAPH_LOCALES = {"en": "en_US", "ko": "ko_KR", "ja": "ja_JP"}


def site(request):
    return {"site_name": settings.SITE_NAME}


def languages(request):
    """The same page in each language, for the language switcher and the hreflang alternates:
    the switcher keeps the reader on the record (and the filters) they are reading."""
    current = current_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.get_full_path(), code)
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "is_current": code == current,
                "open_graph_locale": OPEN_GRAPH_LOCALES[code],
            }
        )
    # The address without a language prefix chooses one from the browser's Accept-Language, which
    # is what x-default means (and what the sitemap gives as x-default, too).
    default = versions[0]["absolute_url"].replace(f"/{settings.LANGUAGE_CODE}/", "/", 1)
    return {
        "language_versions": versions,
        "default_language_url": default,
        "open_graph_locale": OPEN_GRAPH_LOCALES[current],
    }
