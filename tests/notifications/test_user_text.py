import pytest

from notifications.user_text import defang, one_line, quoted, quoted_block
from tests.organisations.helpers import LINK_PATTERN


@pytest.mark.parametrize(
    ("typed", "safe"),
    [
        ("https://evil.example.com/reset", "hxxps[:]//evil[.]example[.]com/reset"),
        ("HTTP://EVIL.COM", "hxxp[:]//EVIL[.]COM"),
        ("visit www.evil.co.uk now", "visit www[.]evil[.]co[.]uk now"),
        ("mail help@evil.example", "mail help[at]evil[.]example"),
        ("mailto:x@y.org", "mailto[:]x[at]y[.]org"),
        ("evil.com/path?q=1", "evil[.]com/path?q=1"),
        ("St. Mary's Surgery", "St. Mary's Surgery"),
        ("Dr A.B. Smith", "Dr A.B. Smith"),
        ("Asha Patel", "Asha Patel"),
        ("Board: not resolved in time", "Board: not resolved in time"),
        ("javascript:alert(1)", "javascript[:]alert(1)"),
        ("custom+app://open", "custom+app[:]//open"),
    ],
)
def test_defang_breaks_every_link_and_leaves_ordinary_names(typed, safe):
    assert defang(typed) == safe
    assert LINK_PATTERN.findall(defang(typed)) == []


def test_one_line_removes_line_breaks_and_control_characters():
    typed = "Bob\r\n\nYour smartcard will be suspended\u2028see https://evil.example\t\x00now"

    assert one_line(typed) == "Bob Your smartcard will be suspended see hxxps[:]//evil[.]example now"


def test_quoted_marks_the_text_as_typed():
    assert quoted("  Riverside   Surgery ") == "\u201cRiverside Surgery\u201d"


def test_quoted_block_marks_each_line_and_defangs():
    assert quoted_block("First line\nhttps://evil.example\n\nLast\x07") == (
        "> First line\n> hxxps[:]//evil[.]example\n>\n> Last"
    )
