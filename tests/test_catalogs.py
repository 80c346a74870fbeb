"""The Korean and Japanese catalogs translate every interface string, and the compiled catalogs
the site serves are the committed ones.

Extraction runs on a copy of the project, so the committed catalogs stay as they are: a string
added to a template or to the code without its translations fails here. Needs GNU gettext
(`apt-get install gettext`), as `makemessages` and `compilemessages` do.
"""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PROJECT = Path(settings.BASE_DIR)
SOURCES = ("manage.py", "trilateral", "meetings", "declarations", "templates", "locale")
CATALOG_LANGUAGES = ("ko", "ja")


def gettext_tool(name):
    path = shutil.which(name)
    assert path, f"GNU gettext's {name} is needed: apt-get install gettext"
    return path


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogs as `makemessages` leaves them after reading today's sources."""
    copy = tmp_path_factory.mktemp("project")
    for name in SOURCES:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    gettext_tool("xgettext")
    subprocess.run(  # noqa: S603  # our own interpreter and command
        [
            sys.executable,
            "manage.py",
            "makemessages",
            *(f"--locale={language}" for language in CATALOG_LANGUAGES),
            "--no-obsolete",
            "--verbosity=0",
        ],
        cwd=copy,
        check=True,
        env={
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "DJANGO_DEBUG": "1",
            "PYTHONPATH": str(copy),
        },
    )
    return copy / "locale"


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_no_interface_string_is_untranslated_or_fuzzy(extracted, language):
    catalog = extracted / language / "LC_MESSAGES" / "django.po"
    for option in ("--untranslated", "--only-fuzzy"):
        found = subprocess.run(  # noqa: S603
            [gettext_tool("msgattrib"), option, "--no-wrap", str(catalog)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # A catalog's header entry (msgid "") is the only entry allowed to show up.
        entries = [line for line in found.splitlines() if line.startswith("msgid ")]
        assert entries in ([], ['msgid ""']), (
            f"{language}: {option[2:]} entries; run `make messages` and translate them:\n{found}"
        )


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_the_committed_compiled_catalog_matches_its_source(tmp_path, language):
    directory = PROJECT / "locale" / language / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603
        [gettext_tool("msgfmt"), "--check", "-o", str(compiled), str(directory / "django.po")],
        check=True,
    )
    with (directory / "django.mo").open("rb") as committed, compiled.open("rb") as fresh:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(fresh)._catalog
        ), f"locale/{language}: run `make messages` to compile the catalog"
