"""/en/search/: a person by any spelling or script, words in any of the three languages, ranked
full-text search on PostgreSQL, and plain answers to impossible queries."""

import sqlite3

import pytest
from django.db import connection
from pytest_django.asserts import assertContains, assertNotContains

from declarations.models import Declaration, Paragraph
from meetings.models import Person
from tests.factories import DeclarationFactory, ParagraphFactory, ParticipantFactory
from trilateral import search

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text and trigram search need PostgreSQL"
)


def people_found(client, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    if 'id="people-heading"' not in html:
        return set()
    people = html.split('id="people-heading"')[1].split("</section>")[0]
    return {person.slug for person in Person.objects.all() if person.get_absolute_url() in people}


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Ahn Dukgeun", "ahn-duk-geun"),
        ("Ahn Duk-geun", "ahn-duk-geun"),
        ("안덕근", "ahn-duk-geun"),
        ("安徳根", "ahn-duk-geun"),
        ("齋藤健", "saito-ken"),
        ("斎藤", "saito-ken"),
        ("Ken Saito", "saito-ken"),
        ("러몬도", "gina-raimondo"),
        ("raimondo", "gina-raimondo"),
    ],
)
def test_search_finds_a_person_by_any_spelling_or_script(client, first_meeting, query, slug):
    assert people_found(client, query) == {slug}


def test_search_finds_the_meeting_declaration_and_paragraphs(client, first_meeting):
    response = client.get("/en/search/", {"q": "semiconductors"})
    assertContains(response, 'href="/en/meetings/trilateral-industrial-ministers-2024/"')
    assertContains(
        response, 'href="/en/declarations/trilateral-industrial-ministers-2024-joint-declaration/"'
    )
    assertContains(response, "such as <mark>semiconductors</mark> and batteries")
    assertContains(response, "Paragraph 1, Joint Declaration of the First")


def test_search_finds_korean_and_japanese_words_inside_a_sentence(client, first_meeting):
    declaration = DeclarationFactory(title="한미일 산업장관 공동선언문")
    ParagraphFactory(declaration=declaration, text="3국은 반도체와 배터리 공급망 협력을 강화한다.")
    ParagraphFactory(declaration=declaration, text="日米韓は半導体のサプライチェーンで協力する。")
    response = client.get("/en/search/", {"q": "반도체"})
    assertContains(response, "3국은 <mark>반도체</mark>와 배터리 공급망 협력을 강화한다.")
    response = client.get("/en/search/", {"q": "半導体"})
    assertContains(response, "日米韓は<mark>半導体</mark>のサプライチェーンで協力する。")


def test_search_finds_a_paragraph_by_any_one_of_its_texts(client, first_meeting):
    declaration = DeclarationFactory(title="Statement on shipbuilding")
    by_heading = ParagraphFactory(declaration=declaration, heading="Shipyards", text="We agree.")
    by_translation = ParagraphFactory(
        declaration=declaration, text="We meet again.", text_ko="조선소 협력을 강화한다."
    )
    neither = ParagraphFactory(declaration=declaration, text="We part.")
    shipyards = client.get("/en/search/", {"q": "shipyard"}).content.decode()
    korean = client.get("/ko/search/", {"q": "조선소"}).content.decode()
    assert f"#{by_heading.anchor}" in shipyards
    assert f"#{by_translation.anchor}" in korean
    assert "<mark>조선소</mark> 협력을 강화한다." in korean
    assert f"#{neither.anchor}" not in shipyards + korean


def test_search_leaves_drafts_out(client, first_meeting):
    participant = ParticipantFactory(meeting__draft=True, person__name="Hidden Minister")
    ParagraphFactory(declaration=DeclarationFactory(draft=True), text="Hidden clause.")
    assert participant.person.slug not in people_found(client, "Hidden Minister")
    assertNotContains(client.get("/en/search/", {"q": "Hidden clause"}), "Hidden clause.")


def test_search_without_a_query_shows_the_form(client, first_meeting):
    response = client.get("/en/search/")
    assert response.status_code == 200
    assertContains(response, '<label for="id_q">Search the record</label>', html=True)
    assertNotContains(response, "results for")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
        ("\x00", "Null characters are not allowed."),
    ],
)
def test_impossible_queries_are_form_errors(client, first_meeting, query, message):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 400
    assertContains(response, message, status_code=400)


def test_no_result_says_what_to_try(client, first_meeting):
    response = client.get("/en/search/", {"q": "zeppelin"})
    assertContains(response, "0 results for “zeppelin”")
    assertContains(response, "Try another spelling")


@on_postgresql
def test_full_text_search_matches_other_forms_of_the_words(client, first_meeting):
    # Neither "strengthening" nor "chains resilience" appears as such in paragraph 1; English
    # stemming matches "strengthen supply chain resilience".
    paragraphs = Paragraph.objects.published().search("strengthening chains resilience")
    assert [paragraph.anchor for paragraph in paragraphs] == ["p1"]


@on_postgresql
def test_full_text_search_ranks_the_closer_match_first(first_meeting):
    declaration = DeclarationFactory()
    ParagraphFactory(declaration=declaration, text="Batteries are mentioned once here.")
    ParagraphFactory(
        declaration=declaration,
        text="Battery supply chains: batteries, battery materials and battery recycling.",
    )
    texts = [paragraph.text for paragraph in Paragraph.objects.search("battery")]
    assert texts[0].startswith("Battery supply chains")


@on_postgresql
def test_full_text_search_sees_every_edit_bulk_ones_too(first_meeting):
    paragraph = ParagraphFactory(text="The ministers discussed shipbuilding.")
    # Found only by stemming ("cooperate" is not a substring of "cooperation"), so only
    # through the stored search vector, which PostgreSQL recomputes on every write.
    Paragraph.objects.filter(pk=paragraph.pk).update(text="They agreed to deepen cooperation.")
    assert list(Paragraph.objects.search("cooperate").filter(pk=paragraph.pk)) == [paragraph]
    paragraph.refresh_from_db()
    paragraph.text = "They closed the meeting."
    paragraph.save()
    assert not Paragraph.objects.search("cooperate").filter(pk=paragraph.pk).exists()


@on_postgresql
def test_a_declaration_is_found_by_the_words_of_its_paragraphs(first_meeting):
    declaration = DeclarationFactory(title="Joint Statement on Shipyards")
    ParagraphFactory(declaration=declaration, text="The parties will cooperate on welding.")
    # Stemmed ("cooperating") and in a paragraph: the declaration comes through the paragraphs'
    # own search, which runs once as a subquery.
    assert declaration in Declaration.objects.search("cooperating")
    assert declaration not in Declaration.objects.search("submarines")


@on_postgresql
def test_a_near_spelling_of_a_name_finds_the_person(client, first_meeting):
    assert people_found(client, "Raimundo") == {"gina-raimondo"}


on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the trigram index is SQLite's own"
)


def paragraphs_found(query):
    return set(Paragraph.objects.search(query).values_list("text", flat=True))


@on_sqlite
def test_the_trigram_index_sees_every_edit_bulk_ones_too(first_meeting):
    paragraph = ParagraphFactory(text="The ministers discussed shipbuilding.")
    assert paragraphs_found("SHIPBUILD") == {"The ministers discussed shipbuilding."}
    Paragraph.objects.filter(pk=paragraph.pk).update(text="They agreed on “green” steel.")
    assert paragraphs_found("shipbuild") == set()
    assert paragraphs_found("“green” steel") == {"They agreed on “green” steel."}
    paragraph.refresh_from_db()
    paragraph.text_ja = "造船で協力する。"
    paragraph.save()
    assert paragraphs_found("造船で") == {"They agreed on “green” steel."}
    paragraph.delete()
    assert paragraphs_found("造船で") == set()


@pytest.mark.parametrize("query", ['"green" AND', "steel*", "NEAR(a b)", "col: x", "'; --"])
@on_sqlite
def test_search_syntax_in_a_query_is_only_text(first_meeting, query):
    ParagraphFactory(text=f"A sentence with {query} inside.")
    assert paragraphs_found(query) == {f"A sentence with {query} inside."}


@on_sqlite
def test_a_query_shorter_than_a_trigram_is_still_found(client, first_meeting):
    ParagraphFactory(text="3국은 반도체와 배터리 공급망 협력을 강화한다.")
    ParagraphFactory(text="3국은 조선소를 방문했다.")
    found = paragraphs_found("협력")
    assert "3국은 반도체와 배터리 공급망 협력을 강화한다." in found
    assert "3국은 조선소를 방문했다." not in found


@on_sqlite
def test_an_sqlite_without_the_trigram_tokenizer_searches_with_like(first_meeting, monkeypatch):
    # SQLite before 3.34, which Django still runs on, has no trigram tokenizer.
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    search.sqlite_has_trigram_tokenizer.cache_clear()
    try:
        assert not search.sqlite_has_trigram_tokenizer()
        paragraphs = Paragraph.objects.search("semiconductors")
        assert "declarations_paragraph_text" not in str(paragraphs.query)
        assert len(paragraphs) == 1
        assert Declaration.objects.search("semiconductors").count() == 1
    finally:
        search.sqlite_has_trigram_tokenizer.cache_clear()


@on_sqlite
def test_the_trigram_index_is_built_again_when_its_triggers_are_gone(first_meeting):
    from trilateral.search import ensure_sqlite_text_indexes

    # What SQLite's rebuild of the table, when a migration alters it, leaves behind.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER declarations_paragraph_text_insert")
    ParagraphFactory(text="Written while the index was not kept.")
    assert paragraphs_found("not kept") == set()
    ensure_sqlite_text_indexes(using=connection.alias)
    assert paragraphs_found("not kept") == {"Written while the index was not kept."}
    ParagraphFactory(text="Written after, kept again.")
    assert paragraphs_found("kept again") == {"Written after, kept again."}


@on_sqlite
def test_search_reads_paragraphs_through_the_trigram_index_without_statistics(first_meeting):
    # A database no ANALYZE has run on: the plan must still start from the index, not from the
    # declarations with every match probed against each.
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
        for queryset in (
            Paragraph.objects.published().search("semiconductors"),
            Declaration.objects.published().search("semiconductors"),
        ):
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [row[-1] for row in cursor.fetchall()]
            assert any("declarations_paragraph_text VIRTUAL TABLE" in step for step in plan), plan
            assert not any("declarations_paragraph USING INDEX" in step for step in plan), plan
