"""Text normalisation applied to every document before language ID and scoring.

In order: repair mojibake (UTF-8 decoded as Latin-1/Windows-1252, via ftfy, only when a cheap
test suggests it), CRLF/CR and the line separator U+2028 turned into LF and the paragraph
separator U+2029 into a blank line, removal of invisible format characters (soft hyphen,
zero-width space, BOM) and of C0/C1 control characters other than newline and tab (those that
separate lines or fields, VT, FF, FS, GS, RS, become a line break, US a space), Unicode
normalisation (NFC by default), every Unicode space separator (no-break space included) turned
into a plain space, runs of spaces collapsed, line ends stripped, and more than one blank line
collapsed into one.
Paragraph structure (line breaks) is kept: later stages use lines and paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy

# Characters that mojibake of UTF-8 text read as Latin-1/cp1252 produces; legitimate text in
# some languages uses some of them too, so they only select texts for ftfy's own badness test.
_MOJIBAKE_HINT = re.compile("[ÃÂÅÄÐÑÏÎâ\u0080-\u009f]")
# Invisible format characters (soft hyphen, zero-width space/joiners, word joiner, BOM) and C0/C1
# controls other than tab and newline (CR is turned into LF before): deleted, except the controls
# that separate lines or fields, which become a line break (VT: a manual line break in Word's
# text, FF: a page break in pdftotext output, FS/GS/RS: file, group and record separators) or a
# space (US: unit separator); deleting them glued the words on either side ("Article 1Scope").
# NEL (U+0085) is deleted, not a line break: in text it is far more often cp1252's "…" read as
# Latin-1 than an EBCDIC line end.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL_MAP: dict[int, str | None] = {
    c: None for lo, hi in ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F)) for c in range(lo, hi + 1)
}
_CONTROL_MAP.update({c: None for c in (0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)})
_CONTROL_MAP.update({0x0B: "\n", 0x0C: "\n", 0x1C: "\n", 0x1D: "\n", 0x1E: "\n", 0x1F: " "})
_BLANKS = re.compile("\n{3,}")


@dataclass(frozen=True)
class NormaliseSettings:
    unicode_form: str = "NFC"
    """NFC, NFKC or none."""
    fix_mojibake: bool = True
    min_chars: int = 1
    """Documents shorter than this (in characters, after normalisation) are rejected as ``normalise.empty``."""
    max_chars: int = 5_000_000
    """Documents longer than this (in characters, as read) are rejected as ``normalise.too_long``
    before any work is spent on them (a 50 MB "document" is a dump, not a training document)."""


def fix_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-Latin-1/cp1252 mojibake; text without such damage is returned unchanged."""
    if not _MOJIBAKE_HINT.search(text):
        return text
    if not ftfy.badness.is_bad(text):
        return text
    return ftfy.fix_encoding(text)


def normalise_text(text: str, settings: NormaliseSettings = NormaliseSettings()) -> str:
    """Return the normalised text (see the module docstring for the exact steps)."""
    if settings.fix_mojibake:
        text = fix_mojibake(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    if _CONTROLS.search(text):
        text = text.translate(_CONTROL_MAP)
    # Unicode normalisation after the deletions: a deleted character between a letter and its
    # combining mark ("e\u00ad\u0301") kept them apart, and the text was not NFC.
    if settings.unicode_form != "none":
        text = unicodedata.normalize(settings.unicode_form, text)  # type: ignore[arg-type]
    # str.split() splits on every Unicode space separator (no-break space included) and tab, and
    # drops leading/trailing ones: one pass per line collapses runs and strips line ends.
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    if "\n\n\n" in text:
        text = _BLANKS.sub("\n\n", text)
    return text.strip()
