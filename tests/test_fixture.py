"""The fixture of the first meeting: it loads, loads again without changing anything, and holds
the facts of the first Trilateral Industrial Ministers' Meeting (2024-06-26, Washington, D.C.)."""

import datetime
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from declarations.models import (
    Commitment,
    Declaration,
    DeclarationSource,
    DeclarationTitle,
    Paragraph,
    Topic,
)
from meetings.models import (
    Country,
    Meeting,
    MeetingSeries,
    MeetingSource,
    Organization,
    Participant,
    Person,
    PersonName,
    Remark,
    SeriesName,
)

pytestmark = pytest.mark.django_db

FIXTURE_FILE = settings.BASE_DIR / "fixtures" / "first_meeting.json"

SERIES = "trilateral-industrial-ministers"
MEETING = "trilateral-industrial-ministers-2024"
DECLARATION = "trilateral-industrial-ministers-2024-joint-declaration"

METI_URL = "https://www.meti.go.jp/english/press/2024/0628_001.html"
ASIAE_URL = "https://cm.asiae.co.kr/en/article/2024062707411582233"
NEWS1_URL = "https://news1global.com/politics/view/424139"

# The article's quotations, word for word, without the quotation marks around them.
PARAGRAPH_1 = (
    "Our common goal is to utilize the trilateral mechanism to advance the development of core "
    "and emerging technologies and enhance the economic security and resilience of the three "
    "countries. We prioritize cooperation to strengthen supply chain resilience in critical "
    "sectors such as semiconductors and batteries."
)
PARAGRAPH_2 = (
    "Close cooperation is urgently needed to identify potential supply chain vulnerabilities "
    "due to a wide range of non-market policies and practices. We expressed shared concerns "
    "about the potential weaponization of economic dependence on specific suppliers of "
    "strategic items"
)
REMARK_1 = (
    "South Korea, the United States, and Japan are optimal partners leading in advanced "
    "technology and technological innovation. We will work together to overcome the global "
    "supply chain crises."
)
REMARK_2 = (
    "We expect future trilateral industrial ministerial meetings to deepen and enhance "
    "industrial cooperation among the three countries and serve as an institutional basis "
    "for jointly addressing global risks."
)

TOPICS = {
    "semiconductors": "Semiconductors",
    "critical-minerals": "Critical minerals",
    "supply-chains": "Supply chains",
    "advanced-technology-protection": "Protection of advanced technology",
    "export-controls": "Export control coordination",
    "artificial-intelligence": "Artificial intelligence",
    "cybersecurity": "Cybersecurity",
    "standards": "Standards",
    "clean-energy": "Clean energy",
    "ipef": "Indo-Pacific Economic Framework (IPEF)",
    "batteries": "Batteries",
}

EXPECTED_ROWS = {
    Country: 3,
    Organization: 3,
    Person: 3,
    PersonName: 12,
    MeetingSeries: 1,
    SeriesName: 5,
    Meeting: 1,
    Participant: 3,
    MeetingSource: 3,
    Remark: 2,
    Topic: 11,
    Declaration: 1,
    DeclarationTitle: 4,
    Paragraph: 2,
    DeclarationSource: 2,
    Commitment: 14,
}


@pytest.fixture
def loaded():
    call_command("loaddata", "first_meeting", verbosity=0)


def app_models():
    """Every model of both apps, with the tables behind many-to-many fields."""
    return [
        model
        for label in ("meetings", "declarations")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def snapshot():
    """Every row of every model, keyed by model, in primary-key order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in app_models()
    }


# --- Loading ----------------------------------------------------------------------------------


def test_fixture_file_uses_natural_keys_and_plain_utf8():
    text = FIXTURE_FILE.read_text(encoding="utf-8")
    objects = json.loads(text)

    assert all("pk" not in obj for obj in objects)
    assert "\\u" not in text
    assert "안덕근" in text
    assert "共同声明" in text
    assert text.startswith('[\n  {\n    "model": ')


def test_loads_every_record(loaded):
    counts = {model: model.objects.count() for model in EXPECTED_ROWS}

    assert counts == EXPECTED_ROWS


def test_loading_again_leaves_the_same_rows(loaded):
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 0

    call_command("loaddata", "first_meeting", verbosity=0)
    after = snapshot()

    assert {label: len(rows) for label, rows in after.items()} == {
        label: len(rows) for label, rows in before.items()
    }
    assert {label: [row["id"] for row in rows] for label, rows in after.items()} == {
        label: [row["id"] for row in rows] for label, rows in before.items()
    }
    assert after == before


def test_every_record_passes_model_validation(loaded):
    for model in EXPECTED_ROWS:
        for obj in model.objects.all():
            obj.full_clean()


def test_records_carry_the_fixture_timestamps(loaded):
    meeting = Meeting.objects.get(slug=MEETING)

    assert meeting.created_at == datetime.datetime(2024, 6, 28, tzinfo=datetime.UTC)
    assert meeting.updated_at == datetime.datetime(2024, 6, 28, tzinfo=datetime.UTC)
    assert meeting.published_at == datetime.datetime(2024, 6, 28, 9, tzinfo=datetime.UTC)


def test_public_records_are_published(loaded):
    assert list(MeetingSeries.objects.published().values_list("slug", flat=True)) == [SERIES]
    assert list(Meeting.objects.published().values_list("slug", flat=True)) == [MEETING]
    assert list(Declaration.objects.published().values_list("slug", flat=True)) == [DECLARATION]
    assert set(Topic.objects.published().values_list("slug", flat=True)) == set(TOPICS)
    assert set(Country.objects.published().values_list("code", flat=True)) == {"KR", "US", "JP"}
    assert Person.objects.published().count() == 3
    assert Paragraph.objects.published().count() == 2
    assert Commitment.objects.published().count() == 14


# --- Countries, ministries, ministers ---------------------------------------------------------


def test_countries(loaded):
    countries = {
        c.code: (c.alpha3, c.numeric_code, c.name, c.short_name) for c in Country.objects.all()
    }

    assert countries == {
        "KR": ("KOR", "410", "Republic of Korea", "Korea"),
        "US": ("USA", "840", "United States of America", "United States"),
        "JP": ("JPN", "392", "Japan", "Japan"),
    }


def test_ministries(loaded):
    ministries = {
        o.slug: (o.name, o.abbreviation, o.country.code, o.url)
        for o in Organization.objects.select_related("country")
    }

    assert ministries == {
        "motie": (
            "Ministry of Trade, Industry and Energy",
            "MOTIE",
            "KR",
            "https://english.motie.go.kr",
        ),
        "doc": ("U.S. Department of Commerce", "DOC", "US", "https://www.commerce.gov"),
        "meti": (
            "Ministry of Economy, Trade and Industry",
            "METI",
            "JP",
            "https://www.meti.go.jp/english/",
        ),
    }


def test_ministers(loaded):
    people = {
        p.slug: (p.name, p.family_name, p.given_name, p.family_name_first)
        for p in Person.objects.all()
    }

    assert people == {
        "ahn-duk-geun": ("Ahn Duk Geun", "Ahn", "Duk-geun", True),
        "gina-raimondo": ("Gina Raimondo", "Raimondo", "Gina", False),
        "saito-ken": ("Saito Ken", "Saito", "Ken", True),
    }


@pytest.mark.parametrize(
    ("slug", "names"),
    [
        (
            "ahn-duk-geun",
            {
                ("Ahn Duk-geun", "en"),
                ("Ahn Dukgeun", "en"),
                ("An Deok-geun", "en"),
                ("안덕근", "ko"),
                ("安徳根", "ja"),
            },
        ),
        (
            "gina-raimondo",
            {("Gina M. Raimondo", "en"), ("지나 러몬도", "ko"), ("ジーナ・レモンド", "ja")},
        ),
        (
            "saito-ken",
            {("Ken Saito", "en"), ("齋藤健", "ja"), ("斎藤健", "ja"), ("사이토 겐", "ko")},
        ),
    ],
)
def test_name_variants_and_native_scripts(loaded, slug, names):
    person = Person.objects.get(slug=slug)

    assert set(person.names.values_list("name", "language")) == names


# --- The series -------------------------------------------------------------------------------


def test_series(loaded):
    series = MeetingSeries.objects.get(slug=SERIES)

    assert series.name == "Trilateral Industrial Ministers' Meeting"
    assert series.cadence == "annual"
    assert set(series.members.values_list("code", flat=True)) == {"KR", "US", "JP"}
    assert series.established_on == datetime.date(2023, 8, 18)
    assert "Camp David" in series.established_by
    assert series.description
    assert "Spirit of Camp David" in series.origin


def test_series_names_per_party(loaded):
    names = {
        (n.party.code if n.party else None, n.used_by, n.language, n.name, n.source_url)
        for n in SeriesName.objects.filter(series__slug=SERIES).select_related("party")
    }

    assert names == {
        ("KR", "MOTIE", "en", "Trilateral Industrial Ministers' Meeting", NEWS1_URL),
        ("KR", "MOTIE", "ko", "한·미·일 산업장관회의", ""),
        (
            "JP",
            "METI",
            "en",
            "Japan-Republic of Korea-United States Commerce and Industry Ministerial Meeting",
            METI_URL,
        ),
        ("JP", "METI", "ja", "日米韓商務・産業大臣会合", ""),
        (
            None,
            "Reuters / Jiji",
            "en",
            "Trilateral Commerce and Industry Ministerial Meeting",
            "https://japannews.yomiuri.co.jp/business/economy/20240627-195081",
        ),
    }


# --- The meeting ------------------------------------------------------------------------------


def test_meeting(loaded):
    meeting = Meeting.objects.get(slug=MEETING)

    assert meeting.series.slug == SERIES
    assert meeting.edition == 1
    assert meeting.edition_label == "First"
    assert meeting.title == "First Trilateral Industrial Ministers' Meeting"
    assert meeting.status == "held"
    assert meeting.year == 2024
    assert meeting.start_date == datetime.date(2024, 6, 26)
    assert meeting.end_date is None
    assert meeting.city == "Washington, D.C."
    assert meeting.venue == "U.S. Department of Commerce (Herbert C. Hoover Building)"
    assert meeting.host_country.code == "US"
    assert meeting.summary
    assert "Camp David" in meeting.body


def test_participants_in_the_office_held_then(loaded):
    participants = [
        (
            p.person.slug,
            p.country.code,
            p.organization.slug,
            p.role_title,
            p.is_head_of_delegation,
            p.is_host,
        )
        for p in Participant.objects.filter(meeting__slug=MEETING).with_related()
    ]

    assert participants == [
        (
            "ahn-duk-geun",
            "KR",
            "motie",
            "Minister of Trade, Industry and Energy",
            True,
            False,
        ),
        ("gina-raimondo", "US", "doc", "Secretary of Commerce", True, True),
        ("saito-ken", "JP", "meti", "Minister of Economy, Trade and Industry", True, False),
    ]


def test_meeting_sources(loaded):
    sources = {
        s.url: (s.publisher, s.title, s.published_on, s.language)
        for s in MeetingSource.objects.filter(meeting__slug=MEETING)
    }

    assert sources[METI_URL] == (
        "Ministry of Economy, Trade and Industry (METI)",
        "Minister Saito Visits the United States",
        datetime.date(2024, 6, 28),
        "en",
    )
    assert sources[ASIAE_URL][0] == "Asia Economy"
    assert sources[ASIAE_URL][2:] == (datetime.date(2024, 6, 27), "en")
    assert sources[NEWS1_URL][0] == "News1"
    assert set(sources) == {METI_URL, ASIAE_URL, NEWS1_URL}


def test_remarks_of_minister_ahn(loaded):
    remarks = [
        (r.order, r.speaker.person.slug, r.text, r.source.url)
        for r in Remark.objects.filter(meeting__slug=MEETING).select_related(
            "speaker__person", "source"
        )
    ]

    assert remarks == [
        (1, "ahn-duk-geun", REMARK_1, NEWS1_URL),
        (2, "ahn-duk-geun", REMARK_2, NEWS1_URL),
    ]


# --- The declaration --------------------------------------------------------------------------


def test_topics(loaded):
    topics = {t.slug: t.name for t in Topic.objects.all()}

    assert topics == TOPICS
    assert all(Topic.objects.values_list("description", flat=True))


def test_declaration(loaded):
    declaration = Declaration.objects.get(slug=DECLARATION)

    assert declaration.meeting.slug == MEETING
    assert declaration.kind == "joint-declaration"
    assert declaration.title == (
        "Joint Declaration of the First Trilateral Industrial Ministers' Meeting"
    )
    assert declaration.adopted_on == datetime.date(2024, 6, 26)
    assert declaration.is_excerpt is True
    assert declaration.summary
    assert set(declaration.topics.values_list("slug", flat=True)) == set(TOPICS)


def test_declaration_titles_per_party(loaded):
    titles = {
        (t.party.code, t.used_by, t.language, t.title)
        for t in DeclarationTitle.objects.filter(declaration__slug=DECLARATION)
    }

    assert titles == {
        ("KR", "MOTIE", "en", "Joint Declaration"),
        ("KR", "MOTIE", "ko", "공동선언문"),
        ("JP", "METI", "en", "Joint Statement"),
        ("JP", "METI", "ja", "共同声明"),
    }


def test_paragraphs_quote_the_article_exactly(loaded):
    paragraphs = [
        (p.number, p.anchor, p.text, set(p.topics.values_list("slug", flat=True)))
        for p in Paragraph.objects.filter(declaration__slug=DECLARATION)
    ]

    assert paragraphs == [
        (1, "p1", PARAGRAPH_1, {"semiconductors", "batteries", "supply-chains"}),
        (2, "p2", PARAGRAPH_2, {"supply-chains", "export-controls"}),
    ]
    assert Paragraph.objects.get(anchor="p1").get_absolute_url() == (
        f"/en/declarations/{DECLARATION}/#p1"
    )


def test_quotations_are_not_wrapped_in_quotation_marks(loaded):
    texts = [*Paragraph.objects.values_list("text", flat=True)]
    texts += Remark.objects.values_list("text", flat=True)

    for text in texts:
        assert not set(text) & {'"', "“", "”"}, text
        assert text == text.strip()


def test_declaration_sources(loaded):
    urls = set(
        DeclarationSource.objects.filter(declaration__slug=DECLARATION).values_list(
            "url", flat=True
        )
    )

    assert urls == {NEWS1_URL, ASIAE_URL}


def test_commitments(loaded):
    commitments = {
        c.slug: (c.topic.slug if c.topic else None, c.paragraph.anchor if c.paragraph else None)
        for c in Commitment.objects.filter(declaration__slug=DECLARATION).with_related()
    }

    assert commitments == {
        "tim-2024-meet-annually": (None, None),
        "tim-2024-working-level-cooperation": (None, None),
        "tim-2024-cooperate-semiconductors": ("semiconductors", "p1"),
        "tim-2024-cooperate-batteries": ("batteries", "p1"),
        "tim-2024-cooperate-supply-chains": ("supply-chains", "p1"),
        "tim-2024-identify-supply-chain-vulnerabilities": ("supply-chains", "p2"),
        "tim-2024-cooperate-critical-minerals": ("critical-minerals", None),
        "tim-2024-cooperate-advanced-technology-protection": (
            "advanced-technology-protection",
            None,
        ),
        "tim-2024-cooperate-export-controls": ("export-controls", None),
        "tim-2024-cooperate-artificial-intelligence": ("artificial-intelligence", None),
        "tim-2024-cooperate-cybersecurity": ("cybersecurity", None),
        "tim-2024-cooperate-standards": ("standards", None),
        "tim-2024-cooperate-clean-energy": ("clean-energy", None),
        "tim-2024-cooperate-ipef": ("ipef", None),
    }
    assert set(Commitment.objects.values_list("status", flat=True)) == {"pledged"}
    assert Commitment.objects.get(slug="tim-2024-meet-annually").text == (
        "Hold the Trilateral Industrial Ministers' Meeting every year."
    )
    assert (
        "working together" in Commitment.objects.get(slug="tim-2024-working-level-cooperation").text
    )
