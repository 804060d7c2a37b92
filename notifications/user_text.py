"""Text that people typed, made safe to put in a plain-text email.

Anything a user typed (a name, an organisation name, a comment) goes into an email through one of
these: it is marked as quoted, kept to the lines it should have, and defanged so that no address
in it becomes a link a mail program would let the reader click ("https://x.example" reads as
"hxxps[:]//x[.]example"). Our own links are added by the email's code, never through here.
"""

import re
import unicodedata

# Things a mail program might turn into a link: a scheme (https://, mailto:), www., an email
# address, or a dotted host name ending in letters (example.com, evil.co.uk/path).
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,20}):(//)|\b(mailto|tel|sms|javascript|data|file):()")
_DOTTED_HOST = re.compile(r"(?i)\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b")
_AT = re.compile(r"(?<=\w)@(?=\w)")
_UNSAFE_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp"}


def _without_control_characters(text: str, *, keep_newlines: bool) -> str:
    kept = []
    for character in text or "":
        if keep_newlines and character == "\n":
            kept.append(character)
        elif unicodedata.category(character) in {"Cc", "Cf", "Zl", "Zp"}:
            kept.append(" ")
        else:
            kept.append(character)
    return "".join(kept)


def defang(text: str) -> str:
    """``text`` with every link-like part broken so that no mail program makes it clickable."""

    def scheme(match: re.Match) -> str:
        name = match.group(1) or match.group(3)
        slashes = match.group(2) or ""
        return f"{_UNSAFE_SCHEMES.get(name.lower(), name)}[:]{slashes}"

    text = _SCHEME.sub(scheme, text)
    text = _DOTTED_HOST.sub(lambda match: match.group(0).replace(".", "[.]"), text)
    return _AT.sub("[at]", text)


def one_line(text: str) -> str:
    """Typed text on one line: control characters and runs of spaces become one space; defanged."""
    return defang(" ".join(_without_control_characters(text, keep_newlines=False).split()))


def quoted(text: str) -> str:
    """Typed text on one line, in quotation marks, so the reader sees it was typed by someone."""
    return f"\u201c{one_line(text)}\u201d"


def quoted_block(text: str) -> str:
    """Typed text of several lines, each line marked with "> ", defanged."""
    lines = _without_control_characters(text, keep_newlines=True).strip().splitlines() or [""]
    return "\n".join(f"> {defang(' '.join(line.split()))}".rstrip() for line in lines)
