"""Europarl v7 session files (Koehn 2005, *Europarl: A Parallel Corpus for Statistical Machine
Translation*; https://www.statmt.org/europarl/): one plain-text file per sitting and language,
``<lang>/ep-YY-MM-DD.txt``, with markup lines::

    <CHAPTER ID="1">
    Resumption of the session
    <SPEAKER ID="2" LANGUAGE="EN" NAME="Mrs Lynne">
    <P>

Attributes come quoted or unquoted (``<SPEAKER ID=2 NAME="President">``). A markup line is a
whole line that is one tag; every other non-empty line is text.

Options: ``unit: chapter|speaker`` (default ``chapter``). A chapter document is the chapter
title and every text line of the chapter; a speaker document is one speaker turn, with
``metadata['speaker']`` (NAME), ``metadata['speaker_id']`` and ``metadata['original_lang']``
(the speaker's ``LANGUAGE``, normalised: the language the turn was *spoken* in, so that
translated turns can be told from original ones). The file's language is the parent folder's
name (``en/``) when it is a language code, else the recipe's ``language``. A line with bytes
that are not UTF-8 is one ReadError (``line N``) and is skipped.

Lines end at ``\n``, ``\r\n`` or a lone ``\r`` (a file saved with old Mac line ends, or a mix):
split on ``\n`` only, a CR-only file was one "line" that was no tag, so the whole sitting became
one chapter of raw markup, or nothing at all per speaker. A UTF-8 byte-order mark is dropped (it
made the first ``<CHAPTER>`` line a text line); a file with a UTF-16 byte-order mark is read as
UTF-16, and bytes that are not UTF-16 end it with an InputError at their line. A file that
looks like UTF-16 without a byte-order mark is an InputError (read as UTF-8, every line was text
with a NUL beside each letter), and a line holding a NUL character is a ReadError (``line N``)
and is skipped, as an undecodable line is: NUL is never text.

A parallel file of EuroParlExtract (``parallel_en-de.tab``: a ``<SPEAKER ...>`` line, then
``English<TAB>German`` lines) looks like a Europarl file, and a zip member of that kind is
sniffed as one. Read as text, each line held both languages and the file became one document
labelled with one of them. When the first text line of a file is two texts separated by a TAB,
the file is one ReadError (kind ``schema``) at that line saying so, and nothing of it is read:
altedic has no reader of tab-separated pairs (the parallel dataset is made from TMX files,
``pairs: true``), and EuroParlExtract writes the same texts as TMX. A TAB in a later line of a
monolingual file is whitespace in its text, as before.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from altedic.errors import InputError
from altedic.langid.codes import EU_OFFICIAL, normalise_lang
from altedic.readers.base import ReadContext
from altedic.readers.guard import LONE_SURROGATE
from altedic.readers.legal import eu_provenance, option
from altedic.readers.text import looks_like_utf16, skip_bom
from altedic.records import Document, ReadError

PUBLISHER = "European Parliament"
_TAG = re.compile(r"^<\s*([A-Za-z]+)\b(.*?)/?>\s*$")
#: An attribute name starts where a word starts (``(?<![A-Za-z_])``): tried at every letter of a
#: long word with no ``=`` after it (``<SPEAKER aaaa...>``), ``[A-Za-z_]+`` would rescan the rest
#: of the word each time, quadratic time. A name found from inside a word is never a match the
#: word's start does not give first, so the attributes found are unchanged.
#: A EuroParlExtract parallel line: ``source<TAB>target``, both halves text.
_PARALLEL = re.compile(r"[^\t]*\S[^\t]*\t[^\t]*\S[^\t]*")
PARALLEL_MESSAGE = (
    "parallel EuroParlExtract file (source<TAB>target on each line): the europarl reader reads "
    "monolingual Europarl files and would mix both languages in one document; not read. Read "
    "EuroParlExtract's TMX output of the same texts with format tmx"
)
_ATTR = re.compile(r"""(?<![A-Za-z_])([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def parse_tag(line: str) -> tuple[str, dict[str, str]] | None:
    """``<SPEAKER ID=2 NAME="Mr X">`` -> ``("SPEAKER", {"ID": "2", "NAME": "Mr X"})``, else None."""
    m = _TAG.match(line.strip())
    if not m:
        return None
    attrs = {
        a.group(1).upper(): a.group(2)
        if a.group(2) is not None
        else (a.group(3) if a.group(3) is not None else a.group(4))
        for a in _ATTR.finditer(m.group(2))
    }
    return m.group(1).upper(), attrs


def _lines(ctx: ReadContext) -> Iterator[tuple[int, str | None, str]]:
    """(line number, decoded line or None, error message) for each line (see module docstring).

    Universal newlines (``newline=None``) end a line at ``\n``, ``\r\n`` or ``\r``, streaming. Bytes
    that do not decode are kept in the line as surrogates and the line is reported on its own
    (its neighbours are still read): in UTF-8 with the offset of the first bad byte in the line.
    Only an odd last byte of a UTF-16 file (cut in half) ends reading with an InputError.
    """
    with ctx.open() as f:
        encoding = skip_bom(f) or "utf-8"
        utf8 = encoding == "utf-8"
        if utf8:
            sample = f.peek(4096)[:4096] if hasattr(f, "peek") else b""
            guess = looks_like_utf16(sample)
            if guess:
                raise InputError(
                    f"looks like {guess.upper()} without a byte-order mark (NUL bytes beside every ASCII "
                    "character); Europarl files are UTF-8, or UTF-16 with a byte-order mark",
                    uri=ctx.uri,
                    position="byte 0",
                )
        text = io.TextIOWrapper(
            f, encoding=encoding, errors="surrogateescape" if utf8 else "surrogatepass", newline=None
        )
        n = 0
        try:
            for n, line in enumerate(text, start=1):
                # a surrogate: an undecodable byte kept by "surrogateescape" (UTF-8) or half a
                # UTF-16 pair let through by "surrogatepass"; valid text decodes to neither
                bad = None if line.isascii() else LONE_SURROGATE.search(line)
                nul = line.find("\x00")
                if nul >= 0 and bad is None:
                    yield n, None, f"line holds a NUL character at character {nul + 1} (binary data?): skipped"
                elif bad is None:
                    yield n, line, ""
                elif utf8:
                    try:
                        line.encode("utf-8", "surrogateescape").decode("utf-8")
                    except UnicodeDecodeError as exc:
                        yield n, None, f"line is not valid UTF-8 (byte {exc.start}): skipped"
                else:
                    yield (
                        n,
                        None,
                        f"line is not valid UTF-16 (half a surrogate pair at character {bad.start()}): skipped",
                    )
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {encoding} after line {n}: {exc.reason}", uri=ctx.uri, position=f"line {n + 1}"
            ) from None


def _folder_lang(ctx: ReadContext) -> str | None:
    """The language named by the file's folder (``en/ep-00-01-18.txt``). For an archive member the
    member's own folder (``txt.zip!en/ep-...``; the archive's rel joined to it made the folder
    ``txt.zip!en``), else the folder of the archive itself (``en/sittings.zip!ep-...``), else the
    folder the glob started in when an official EU code names it (``europarl/mt/*.txt``)."""
    ctx_: ReadContext | None = ctx
    outer = ctx
    while ctx_ is not None:
        path = ctx_.member if ctx_.member is not None else ctx_.rel
        parts = path.replace("\\", "/").split("/")
        if len(parts) >= 2:
            return normalise_lang(parts[-2]) if len(parts[-2]) <= 3 else None
        outer = ctx_
        ctx_ = ctx_.archive
    # The glob's root is the language folder itself (paths: europarl/mt/*.txt): its name is not in
    # rel, and the declared language was lost. Only an official EU code counts there, since this
    # folder was not chosen as a language folder by the layout (a folder 'eu' of EU texts is not
    # Basque).
    parent = outer.uri.replace("\\", "/").rsplit("/", 2)
    name = parent[-2] if len(parent) >= 2 else ""
    return name if name in EU_OFFICIAL else None


def read_europarl(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """Documents per chapter or per speaker turn (see module docstring)."""
    unit = option(ctx, "unit", ("chapter", "speaker"))
    folder_lang = _folder_lang(ctx)
    lang = folder_lang or ctx.source.declared_lang
    sitting = ctx.file_name.rsplit(".", 1)[0]
    prov = eu_provenance(ctx, PUBLISHER)
    m = re.search(r"ep-(\d\d)-(\d\d)-(\d\d)", sitting)
    date = None
    if m:
        yy = int(m.group(1))
        date = f"{1900 + yy if yy > 90 else 2000 + yy}-{m.group(2)}-{m.group(3)}"

    chapter_id = ""
    chapter_title: str | None = None
    first_text = True
    speaker: dict[str, str] = {}
    lines: list[str] = []
    start_line = 0
    runs: dict[str, int] = {}  # chapter id -> chapters of that id emitted so far

    def emit() -> Iterator[Document]:
        if not lines:
            return
        meta = {"sitting": sitting, "chapter": chapter_id}
        pos = f"chapter {chapter_id or '-'}"
        if unit == "chapter":
            # A chapter id that comes back in the file (the same <CHAPTER ID=1> twice) is a new
            # document: 'chapter 1 run 2', as TMX numbers a document number that comes back. With
            # the same position and text both had one id, and the run's accounting broke.
            runs[chapter_id] = runs.get(chapter_id, 0) + 1
            if runs[chapter_id] > 1:
                pos += f" run {runs[chapter_id]}"
        else:
            pos += f" speaker {speaker.get('ID', '-')} line {start_line}"
            if speaker.get("NAME"):
                meta["speaker"] = speaker["NAME"]
            if speaker.get("ID"):
                meta["speaker_id"] = speaker["ID"]
            orig = normalise_lang(speaker.get("LANGUAGE") or None)
            if orig:
                meta["original_lang"] = orig
            if speaker.get("AFFILIATION"):
                meta["affiliation"] = speaker["AFFILIATION"]
        yield ctx.doc(
            "\n".join(lines),
            position=pos,
            declared_lang=lang,
            doc_ref=f"{sitting} chapter {chapter_id}" if chapter_id else sitting,
            title=chapter_title,
            date=date,
            metadata=meta,
            **prov,
        )

    for n, decoded, err in _lines(ctx):
        if decoded is None:
            yield ctx.error(err, f"line {n}", "encoding")
            continue
        line = decoded.strip()
        if not line:
            continue
        tag = parse_tag(line) if line.startswith("<") else None
        if tag is None:
            if first_text and _PARALLEL.fullmatch(line):
                # EuroParlExtract's parallel output: one document of both languages otherwise,
                # kept as one of them (see module docstring).
                yield ctx.error(PARALLEL_MESSAGE, f"line {n}", "schema")
                return
            first_text = False
            if not lines:
                start_line = n
            if chapter_title is None and not lines and not speaker:
                chapter_title = line  # the line after <CHAPTER> is its title
                if unit == "speaker":
                    continue
            lines.append(line)
            continue
        name, attrs = tag
        if name == "CHAPTER":
            yield from emit()
            lines, speaker = [], {}
            chapter_id, chapter_title = attrs.get("ID", ""), None
        elif name == "SPEAKER":
            if unit == "speaker":
                yield from emit()
                lines = []
            speaker = attrs
    yield from emit()
