"""Record and list addresses are reversed once per view, and still come out as reverse() gives
them."""

from django.urls import reverse
from django.utils import translation

from trilateral.links import filtered_list_path, record_path


def test_record_paths_are_what_reverse_gives_in_each_language_in_turn():
    for language in ("en", "ko", "ja", "en", "ko"):
        with translation.override(language):
            for view_name, lookup in [
                ("meetings:meeting_detail", "first-meeting"),
                ("meetings:meeting_detail", "second-meeting"),
                ("meetings:country_detail", "KR"),
                ("api:meeting-detail", "first-meeting"),
                ("meetings:person_detail", "ahn-dukgeun_2"),
            ]:
                assert record_path(view_name, lookup) == reverse(view_name, args=[lookup])
    with translation.override("ja"):
        assert record_path("meetings:meeting_detail", "x") == "/ja/meetings/x/"


def test_a_lookup_found_twice_in_its_address_is_still_right():
    # "en" is also the language prefix: the address cannot be cut around it.
    with translation.override("en"):
        assert record_path("meetings:meeting_detail", "en") == "/en/meetings/en/"
        assert record_path("meetings:meeting_detail", "other") == "/en/meetings/other/"


def test_filtered_list_paths_are_what_reverse_gives_in_each_language_in_turn():
    for language in ("en", "ko", "ja", "en"):
        with translation.override(language):
            for view_name in ("meetings:meeting_list", "api:meeting-list"):
                for series in ("first-series", "second-series"):
                    assert filtered_list_path(view_name, series=series) == (
                        f"{reverse(view_name)}?series={series}"
                    )
    with translation.override("ko"):
        assert filtered_list_path("meetings:meeting_list", series="a b&c") == (
            "/ko/meetings/?series=a+b%26c"
        )
