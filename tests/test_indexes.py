"""The search indexes exist on PostgreSQL, and its planner reads them instead of whole tables.

The tables are filled with a few thousand rows and analysed first: on a handful of rows a
sequential scan is cheaper and PostgreSQL rightly prefers it.
"""

import pytest
from django.db import connection, transaction

from declarations.models import Declaration, Paragraph
from meetings.models import Meeting, Participant, Person, PersonName
from tests.factories import (
    CountryFactory,
    DeclarationFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    PersonFactory,
    PersonNameFactory,
)
from trilateral.cache import changes_in_bulk

ROWS = 3000
# As on the large record: a thousand meetings, with five people at each.
MEETINGS = 1000
# Name variants are short: it takes more of them before an index beats reading them all.
NAMES = 10_000

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="GIN trigram and full-text indexes need PostgreSQL",
    ),
]


def analyze(*models):
    """Where the tables stand after autovacuum has seen a bulk load: fresh statistics, and GIN
    indexes whose own counts (which only a vacuum or a build updates, and which the planner
    costs them by) include the new rows."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'REINDEX TABLE "{model._meta.db_table}"')
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def index_definitions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
        return dict(cursor.fetchall())


def test_the_search_indexes_exist():
    definitions = index_definitions()
    contains = {
        "personname_contains_trgm": "upper((name)::text) gin_trgm_ops",
        "paragraph_text_trgm": "upper(text) gin_trgm_ops",
        "paragraph_heading_trgm": "upper((heading)::text) gin_trgm_ops",
        "commitment_text_trgm": "upper(text) gin_trgm_ops",
        "declarationtitle_title_trgm": "upper((title)::text) gin_trgm_ops",
    }
    for name, expression in contains.items():
        assert "USING gin" in definitions[name]
        assert expression in definitions[name]
    assert "USING gin (name gin_trgm_ops)" in definitions["personname_similar_trgm"]
    # The stored search vectors replaced the expression indexes.
    assert "paragraph_fts" not in definitions
    assert "commitment_fts" not in definitions


def test_each_searched_table_stores_its_english_full_text():
    definitions = index_definitions()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, generation_expression FROM information_schema.columns "
            "WHERE column_name = 'search_vector' AND is_generated = 'ALWAYS'"
        )
        generated = dict(cursor.fetchall())
    texts = {
        "meetings_meeting": ("title", "summary", "body"),
        "declarations_topic": ("name", "description"),
        "declarations_declaration": ("title", "summary"),
        "declarations_paragraph": ("heading", "text"),
        "declarations_commitment": ("text",),
    }
    assert set(generated) == set(texts)
    for table, columns in texts.items():
        assert generated[table].startswith("to_tsvector('english'::regconfig")
        for column in columns:
            assert f"COALESCE({column}," in generated[table]
        index = f"{table.split('_')[1]}_search_vector"
        assert f"ON public.{table} USING gin (search_vector)" in definitions[index]


def test_the_database_reads_pages_as_if_from_memory():
    # The planner's cost of a random page read: at PostgreSQL's default of 4 it reads every
    # paragraph rather than use the search indexes (test below).
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)


def spelling(n):
    """A made-up name of three syllables, different for every n below 70³."""
    syllables = [f"{consonant}{vowel}" for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]
    return "".join(syllables[n // 70**power % 70] for power in range(3)).capitalize()


def test_a_name_in_korean_is_found_through_the_trigram_index():
    people = Person.objects.bulk_create(
        Person(name=spelling(n), family_name=spelling(n), slug=f"made-up-{n}") for n in range(NAMES)
    )
    PersonName.objects.bulk_create(
        PersonName(person=person, name=spelling(n * 7919 % 70**3), language="en")
        for n, person in enumerate(people)
    )
    ahn = PersonFactory(name="Ahn Duk Geun", family_name="Ahn", given_name="Duk Geun")
    PersonNameFactory(person=ahn, name="안덕근", language="ko")
    PersonNameFactory(person=ahn, name="Ahn Dukgeun", language="ko-Latn")
    analyze(Person, PersonName)

    assert list(Person.objects.search("안덕근")) == [ahn]
    assert (
        "Bitmap Index Scan on personname_contains_trgm" in Person.objects.search("안덕근").explain()
    )
    # A near miss of a spelling is found through the similarity index.
    assert list(Person.objects.search("Ahn Dukgun")) == [ahn]
    assert (
        "Bitmap Index Scan on personname_similar_trgm"
        in Person.objects.search("Ahn Dukgun").explain()
    )


def test_paragraph_search_combines_its_indexes_instead_of_reading_the_table():
    declaration = DeclarationFactory()
    Paragraph.objects.bulk_create(
        Paragraph(
            declaration=declaration,
            number=n,
            anchor=f"p{n}",
            text=f"The ministers reviewed item {n} of the work plan on export controls.",
        )
        for n in range(1, ROWS + 1)
    )
    chips = Paragraph.objects.create(
        declaration=declaration, number=ROWS + 1, text="한미일 반도체 공급망 협력을 강화한다."
    )
    analyze(Paragraph)

    assert list(Paragraph.objects.search("반도체")) == [chips]
    plan = Paragraph.objects.search("반도체").explain()
    assert "BitmapOr" in plan
    for index in ("paragraph_text_trgm", "paragraph_heading_trgm", "paragraph_search_vector"):
        assert f"Bitmap Index Scan on {index}" in plan
    assert "Seq Scan on declarations_paragraph" not in plan

    # A declaration's search finds the matching paragraphs once, through the same indexes, as an
    # array built before the declarations are read.
    assert list(Declaration.objects.search("반도체")) == [declaration]
    plan = Declaration.objects.search("반도체").explain()
    assert "InitPlan" in plan
    assert "Bitmap Index Scan on paragraph_text_trgm" in plan
    assert "Seq Scan on declarations_paragraph" not in plan


@pytest.mark.django_db(transaction=True)
def test_a_declaration_s_search_reads_the_paragraph_indexes_once_the_table_is_vacuumed():
    """As the paragraphs stand after a vacuum (autovacuum's, or a bulk job's), with the index
    statistics it leaves. Found through `pk IN (…)` among the declaration search's other
    conditions, the matching paragraphs were read by a scan of the whole table here, and on the
    large record once it had been generated into the same database several times (70 ms there,
    against 10): the choice turned on those statistics. As an array built first, they are read
    through their indexes."""
    declaration, other = DeclarationFactory(), DeclarationFactory()
    # As generate_record and a restore load the record: analyzed, then vacuumed once committed.
    with transaction.atomic(), changes_in_bulk():
        Paragraph.objects.bulk_create(
            Paragraph(
                declaration=declaration if n % 100 == 0 else other,
                number=n,
                anchor=f"p{n}",
                text=f"The ministers reviewed item {n} of the work plan on export controls."
                + (" Semiconductors come first." if n % 100 == 0 else ""),
            )
            for n in range(1, ROWS + 1)
        )

    assert list(Declaration.objects.search("semiconductors")) == [declaration]
    plan = Declaration.objects.search("semiconductors").explain()
    assert "InitPlan" in plan
    assert "Bitmap Index Scan on paragraph_text_trgm" in plan
    assert "Seq Scan on declarations_paragraph" not in plan


@pytest.mark.django_db(transaction=True)
def test_a_meeting_s_search_tests_people_s_names_once_and_not_once_per_meeting():
    """A meeting is found by the name of a person who took part. On the large record PostgreSQL
    tested the people's names meeting by meeting, five people each time: 49 of the 62 ms a
    search for a name spent in the database."""
    series, country = MeetingSeriesFactory(), CountryFactory()
    # As generate_record and a restore load the record: analyzed, then vacuumed once committed.
    with transaction.atomic(), changes_in_bulk():
        meetings = Meeting.objects.bulk_create(
            MeetingFactory.build(series=series, host_country=country) for n in range(MEETINGS)
        )
        people = Person.objects.bulk_create(
            Person(name=spelling(n), family_name=spelling(n), slug=f"made-up-{n}")
            for n in range(MEETINGS * 5)
        )
        # A variant of each name, as there. Without any, PostgreSQL expected most people to match
        # and read them once anyway.
        PersonName.objects.bulk_create(
            PersonName(person=person, name=spelling(n * 7919 % 70**3), language="en")
            for n, person in enumerate(people)
        )
        raimondo = Person.objects.create(
            name="Gina Raimondo", family_name="Raimondo", given_name="Gina", slug="raimondo"
        )
        Participant.objects.bulk_create(
            Participant(meeting=meetings[n // 5], person=person, country=country, order=n % 5)
            for n, person in enumerate(people)
        )
        Participant.objects.create(meeting=meetings[7], person=raimondo, country=country)

    search = Meeting.objects.published().search("Raimondo")
    assert list(search) == [meetings[7]]
    plan = search.explain(analyze=True)
    people_read = [line for line in plan.splitlines() if " on meetings_person " in line]
    assert people_read
    for line in people_read:
        assert "loops=1)" in line, plan
