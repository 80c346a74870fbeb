"""Paragraph permalinks (/declarations/<slug>/#p3) keep working once a declaration is out."""

import pytest
from django.core.exceptions import ValidationError

from declarations.models import Declaration, Paragraph, ParagraphAnchorAlias
from tests.admin_forms import admin_url, change_form_data
from tests.factories import DeclarationFactory, ParagraphFactory

pytestmark = pytest.mark.django_db


def paragraphs_formset(response):
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "paragraphs"
    )


def test_an_editor_cannot_change_the_anchor_of_a_published_paragraph(editor_client):
    editor = editor_client
    paragraph = ParagraphFactory(number=3)
    url = admin_url(Declaration, "change", paragraph.declaration.pk)
    response = editor.get(url)
    assert paragraphs_formset(response).forms[0].fields["anchor"].disabled
    data = change_form_data(response)
    data.update({"paragraphs-0-anchor": "moved", "paragraphs-0-number": "4"})

    assert editor.post(url, data).status_code == 302

    paragraph.refresh_from_db()
    assert (paragraph.number, paragraph.anchor) == (4, "p3")
    assert paragraph.get_absolute_url().endswith("#p3")


def test_an_editor_may_still_shape_the_anchors_of_a_draft(editor_client):
    editor = editor_client
    paragraph = ParagraphFactory(
        number=1, declaration=DeclarationFactory(publication_status="draft", published_at=None)
    )
    url = admin_url(Declaration, "change", paragraph.declaration.pk)
    data = change_form_data(editor.get(url))
    data["paragraphs-0-anchor"] = "preamble"

    assert editor.post(url, data).status_code == 302

    paragraph.refresh_from_db()
    assert paragraph.anchor == "preamble"
    assert not ParagraphAnchorAlias.objects.exists()


def test_a_publisher_may_change_a_published_anchor_and_the_old_one_still_leads_there(
    publisher_client,
):
    publisher = publisher_client
    paragraph = ParagraphFactory(number=3)
    url = admin_url(Declaration, "change", paragraph.declaration.pk)
    data = change_form_data(publisher.get(url))
    data["paragraphs-0-anchor"] = "supply-chains"

    assert publisher.post(url, data).status_code == 302

    paragraph.refresh_from_db()
    assert paragraph.anchor == "supply-chains"
    assert [alias.anchor for alias in paragraph.anchor_aliases.all()] == ["p3"]
    page = publisher.get(url).content.decode()
    assert "Old paragraph anchors" in page


def test_changing_back_to_an_old_anchor_drops_the_alias():
    paragraph = ParagraphFactory(number=3)
    paragraph.anchor = "renamed"
    paragraph.save()
    paragraph.anchor = "p3"
    paragraph.save()

    assert [alias.anchor for alias in paragraph.anchor_aliases.all()] == ["renamed"]


def test_a_new_paragraph_does_not_take_an_anchor_a_renumbered_one_keeps():
    old_third = ParagraphFactory(number=3)
    old_third.number = 4
    old_third.save()

    new_third = ParagraphFactory(declaration=old_third.declaration, number=3)

    assert (old_third.anchor, new_third.anchor) == ("p3", "p3-2")


def test_an_anchor_kept_for_one_paragraph_cannot_be_given_to_another():
    paragraph = ParagraphFactory(number=1)
    paragraph.anchor = "intro"
    paragraph.save()
    other = ParagraphFactory(declaration=paragraph.declaration, number=2)

    other.anchor = "p1"
    with pytest.raises(ValidationError, match="old permalink of another paragraph"):
        other.full_clean()
    alias = ParagraphAnchorAlias(paragraph=other, anchor="intro")
    with pytest.raises(ValidationError, match="has this anchor now"):
        alias.full_clean()


def test_the_aliases_are_public_with_their_declaration():
    paragraph = ParagraphFactory(number=1)
    paragraph.anchor = "intro"
    paragraph.save()
    draft_paragraph = ParagraphFactory(
        declaration=DeclarationFactory(publication_status="draft", published_at=None)
    )
    ParagraphAnchorAlias.objects.create(paragraph=draft_paragraph, anchor="hidden")

    assert list(ParagraphAnchorAlias.objects.published().values_list("anchor", flat=True)) == ["p1"]
    assert Paragraph.objects.get(pk=paragraph.pk).anchor_aliases.get().declaration_id == (
        paragraph.declaration_id
    )
