"""EUR-Lex / Cellar XHTML: Official Journal acts and Commission documents as published online.

Three generations of markup are recognised by class name (the leading ``oj-`` is ignored):

* current OJ HTML (CONVEX, since 2014): ``oj-doc-ti``, ``oj-ti-art``, ``oj-sti-art``,
  ``oj-normal``, ``oj-ti-section-N``, ``oj-final``/``oj-signatory``, footnotes ``oj-note`` and
  in-text markers ``<a href="#ntr1-...">(<span class="oj-note-tag">1</span>)</a>``, with the
  ELI containers ``eli-subdivision`` (``art_1``, ``rct_1``...);
* the older un-prefixed classes (``doc-ti``, ``ti-art``, ``sti-art``, ``normal``, ``note``);
* Commission documents made with CONVEX from Word (``Titrearticle``, ``Normal``,
  ``footnoteRef`` markers, ``dl#footnotes``).

Every ``<p>`` (and heading, and footnote ``<dd>``) is one line; a line that is only a number
(``(1)`` in a table cell) is joined to the next one. Footnote markers are removed *with the
space before them* (``Committee (1),`` -> ``Committee,``, as in the Formex source); footnote
paragraphs go to ``metadata['notes']`` or are dropped (option ``notes``). For the same act the
article texts equal the Formex reader's after whitespace normalisation (tested on Regulation
(EU) 2024/903).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from altedic.errors import InputError
from altedic.langid.codes import read_declaration
from altedic.readers.base import ReadContext
from altedic.readers.cellar import enrich
from altedic.readers.legal import LegalText, LineBuilder, eu_provenance, option
from altedic.readers.text import encoding_option
from altedic.readers.xmlsafe import XML_LANG, Element, collapse_ws, html_decoding, parse_html
from altedic.records import Document, ReadError

PUBLISHER = "Publications Office of the European Union"

_LINE_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt"}
_TITLE = {"doc-ti", "titreobjet", "typedudocument", "titreobjet_cp", "typedudocument_cp"}
_ART = {"ti-art", "titrearticle"}
_STI_ART = {"sti-art"}
_SECTION = re.compile(r"^(ti-section-\d|manualheading\d|li manualheading\d|titre-?\d)$")
_FINAL = {"final", "signatory", "fait", "signature", "institutionquisigne", "personnequisigne"}
_NOTE = {"note", "footnote"}
_HEADER = {"hd-ti", "hd-lg", "hd-coll", "hd-uniq", "hd-date", "hd-oj"}
#: The cover page of a Commission document made with CONVEX: lines before the title classes
#: (``Typedudocument_cp``, ``Titreobjet_cp``) that belong to the title part. ``Statut``
#: (``Proposal for a``) starts the title.
_COVER = {"logo", "emission", "rfrenceinstitutionnelle", "rfrenceinterinstitutionnelle", "cpmarking", "statut"}
#: The OJ colophon after the last ELI container: ``ELI: http://data.europa.eu/eli/...`` and
#: ``ISSN 1977-0677 (electronic edition)`` (the words in brackets in the page's language).
_COLOPHON_ELI = re.compile(r"ELI:\s*(https?://\S+)")
_COLOPHON_ISSN = re.compile(r"ISSN\s+\d{4}-\d{3}[\dXx](\s.*)?")
#: The act's date as an English OJ title gives it on a line of its own (``of 13 March 2024``).
#: Titles in other languages write it in their own words (``vom 13. März 2024``): not read.
_TITLE_DATE = re.compile(r"of (\d{1,2}) ([A-Z][a-z]+) (\d{4})")
_MONTHS = {
    month: i
    for i, month in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}
#: The date of a Commission document on its CONVEX cover (``Emission``: ``Brussels, 13.1.2025``).
_COVER_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


def _classes(el: Element) -> set[str]:
    """Lower-case class names of ``el`` and of its enclosing ``div``s, with ``oj-`` stripped."""
    out: set[str] = set()
    raw = (el.get("class") or "").lower()
    out.update(c[3:] if c.startswith("oj-") else c for c in raw.split())
    if raw:
        out.add(raw[3:] if raw.startswith("oj-") else raw)
    return out


def _in_notes(el: Element) -> bool:
    p = el
    while p is not None:
        if p.get("id") == "footnotes" or p.get("class") == "oj-note" or (p.tag == "dl" and p.get("id") == "footnotes"):
            return True
        p = p.getparent()
    return False


def _in_final(el: Element) -> bool:
    p = el.getparent()
    while p is not None:
        cls = (p.get("class") or "").lower()
        if cls in ("oj-final", "final", "oj-signatory", "signatory", "signature") or (p.get("id") or "").startswith(
            "fnp_"
        ):
            return True
        p = p.getparent()
    return False


def _is_marker(el: Element) -> bool:
    """An in-text footnote marker (the number that points to a footnote)."""
    if el.tag == "a":
        href = el.get("href") or ""
        ident = el.get("id") or ""
        cls = el.get("class") or ""
        return (
            href.startswith("#ntr")
            or ident.startswith("ntc")
            or "footnoteRef" in cls
            or (href.startswith("#footnote") and cls != "footnote")
        )
    cls = el.get("class") or ""
    return el.tag == "span" and ("FootnoteReference" in cls or "note-tag" in cls)


#: The whitespace removed before a footnote marker: HTML's ASCII whitespace (form feed included,
#: WHATWG "ASCII whitespace"), the vertical tab, and the no-break space the OJ uses for layout.
_BEFORE_MARKER = " \t\r\n\f\v\u00a0"
#: Characters libxml2's HTML parser keeps in text but lxml refuses to have written back (not XML
#: characters): C0 controls other than tab, LF and CR, and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: What they become in the text written back, as the normaliser would make them (altedic.normalise):
#: VT, FF and the FS/GS/RS/US separators a space (within a line, where a line break would be
#: collapsed to one anyway), the rest nothing.
_NOT_XML_SPACES = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")


def _settable(text: str) -> str:
    """``text`` with what lxml refuses to set as an element's text replaced (see :data:`_NOT_XML`).

    Joining the text around a marker wrote a control character of the page back into the tree,
    and lxml's ValueError ended the file (a form feed before a marker in a page made by a word
    processor, for one).
    """
    return _NOT_XML.sub(lambda m: " " if m.group() in _NOT_XML_SPACES else "", text)


def _remove_markers(root: Element) -> int:
    """Cut footnote markers out of the text, with the whitespace before them. Returns the count."""
    markers = [el for el in root.iter("a", "span") if _is_marker(el)]
    removed = 0
    for el in markers:
        parent = el.getparent()
        if parent is None or _is_marker(parent):
            continue
        prev = el.getprevious()
        tail = el.tail or ""
        if prev is not None:
            prev.tail = _settable((prev.tail or "").rstrip(_BEFORE_MARKER) + tail)
        else:
            parent.text = _settable((parent.text or "").rstrip(_BEFORE_MARKER) + tail)
        parent.remove(el)
        removed += 1
    return removed


def _space_after_numbers(root: Element) -> None:
    """A space after each CONVEX number span (``<span class="num">``) that no whitespace follows.

    Commission documents made with CONVEX write ``<span class="num"><span>1.1.</span></span><span>The
    ...``: the gap between the number and its text is CSS, so the text joined up was ``1.1.The``
    (``(1)The``, ``–the``). The Formex reader and the OJ HTML give ``1.1. The``. Other spans are
    still joined as they stand (``68</span><span>th`` is one word).
    """
    for el in root.iter("span"):
        if "num" in (el.get("class") or "").split():
            tail = el.tail or ""
            if not tail[:1].isspace():
                el.tail = " " + tail


def _iso(year: str, month: int, day: str) -> str | None:
    """``YYYY-MM-DD`` of a date a page writes, or None when there is no such day."""
    try:
        return datetime.date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def _colophon_place(scope: Element) -> set[Element]:
    """The elements after the last ELI container (``div.eli-container``) and outside it: where the
    OJ HTML puts its colophon. Empty for a page without ELI containers."""
    containers = [d for d in scope.iter("div") if "eli-container" in (d.get("class") or "").split()]
    after: set[Element] = set()
    node = containers[-1] if containers else None
    while node is not None and node is not scope:
        for sibling in node.itersiblings():
            after.update(sibling.iter())
        node = node.getparent()
    return after


def _line_text(el: Element) -> str:
    return collapse_ws("".join(t for t in el.itertext() if isinstance(t, str)).replace("\u00a0", " "))


def extract(root: Element) -> tuple[LegalText, dict[str, str]]:
    """The act's parts, footnotes and header metadata (language, date, OJ number) from the HTML."""
    _remove_markers(root)
    _space_after_numbers(root)
    body = root.find("body")
    scope = body if body is not None else root
    text = LegalText()
    meta: dict[str, str] = {}
    kind, label = "title", None
    lb = LineBuilder()
    title_lines: list[str] = []
    status: str | None = None  # the cover's "Proposal for a", put before the title
    last_title = False

    colophon = _colophon_place(scope)

    def flush() -> None:
        text.add(kind, lb.take(), label)

    for el in scope.iter(*_LINE_TAGS):
        # Lines nested in another line element (a <p> in a <dd>) are read with their parent.
        parent = el.getparent()
        nested = False
        while parent is not None:
            if parent.tag in _LINE_TAGS:
                nested = True
                break
            parent = parent.getparent()
        if nested:
            continue
        cls = _classes(el)
        line = _line_text(el)
        if not line:
            continue
        if cls & _HEADER:
            for c in cls & _HEADER:
                meta[c] = line
            continue
        if el in colophon:
            # The OJ colophon (ELI, ISSN) is no text of the act: it ended the last annex.
            eli = _COLOPHON_ELI.fullmatch(line)
            if eli:
                meta.setdefault("eli", eli.group(1))
                continue
            if _COLOPHON_ISSN.fullmatch(line):
                continue
        if cls & _NOTE or _in_notes(el):
            text.notes.append(line)
            continue
        if cls & _TITLE:
            if kind == "title":
                title_lines.append(line)
                dated = _TITLE_DATE.fullmatch(line)
                if dated and dated.group(2) in _MONTHS and "date" not in meta:
                    iso = _iso(dated.group(3), _MONTHS[dated.group(2)], dated.group(1))
                    if iso:
                        meta["date"] = iso
            elif not last_title:
                flush()
                kind, label = "annex", line
        elif cls & _ART:
            flush()
            kind, label = "article", line
        elif any(_SECTION.match(c) for c in cls):
            if kind != "heading":
                flush()
                kind, label = "heading", None
        elif cls & _FINAL or _in_final(el):
            if kind != "final":
                flush()
                kind, label = "final", None
        elif kind == "title" and cls & _COVER:
            # The cover page of a CONVEX document stays in the title part: it ended it before
            # the title classes came, and the title block became an 'annex' part.
            if "statut" in cls and status is None:
                status = line
            dated = _COVER_DATE.search(line) if "emission" in cls else None
            if dated and "date" not in meta:
                iso = _iso(dated.group(3), int(dated.group(2)), dated.group(1))
                if iso:
                    meta["date"] = iso
        elif kind == "title":
            flush()
            kind, label = "preamble", None
        elif kind == "heading":
            flush()
            kind, label = "body", None
        last_title = bool(cls & _TITLE)
        lb.text(line)
        lb.brk()
    flush()
    text.title = " ".join(([status] if status else []) + title_lines) if title_lines else None
    return text, meta


def read_eurlex_html(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """One document per HTML file. Options: ``notes: metadata|drop`` (default ``metadata``);
    ``encoding`` (a text encoding Python knows) instead of the page's own declaration, for a page
    whose ``charset`` is wrong (:func:`~altedic.readers.xmlsafe.html_decoding`)."""
    notes_mode = option(ctx, "notes", ("metadata", "drop"))
    override = encoding_option(ctx) if "encoding" in ctx.options else None
    try:
        data, encoding, encoding_note = html_decoding(ctx.read_bytes(), ctx.uri, override)
    except InputError as exc:
        yield ctx.error(exc.message, exc.position, "encoding")
        return
    root = parse_html(data, ctx.uri, "EUR-Lex HTML file", encoding)
    text, header = extract(root)
    if not text.parts:
        yield ctx.error("EUR-Lex HTML file has no text paragraphs", "body", "empty")
        return
    meta: dict[str, str] = {"articles": str(len(text.articles()))}
    if encoding_note:
        meta["encoding_note"] = encoding_note
    if "hd-uniq" in header:
        meta["number"] = header["hd-uniq"]
    if "hd-coll" in header:
        meta["oj_series"] = header["hd-coll"]
    date = header.get("date")
    if "eli" in header:
        meta["eli"] = header["eli"]
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", header.get("hd-date", ""))
    if m:
        meta["oj_date"] = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    if "hd-coll" in header and "hd-uniq" in header and m:
        coll = header["hd-coll"].replace("Series ", "")
        meta["oj_ref"] = f"OJ {coll}, {header['hd-uniq']}, {header['hd-date']}"
    lang, unrecognised = read_declaration(header.get("hd-lg"), root.get("lang"), root.get(XML_LANG))
    if unrecognised:
        meta["declared_lang_unrecognised"] = unrecognised
    meta.update(text.notes_metadata(notes_mode))
    yield enrich(
        ctx,
        ctx.doc(
            text.render(),
            position="doc",
            declared_lang=lang,
            doc_ref=meta.get("oj_ref"),
            title=text.title,
            date=date,
            metadata=meta,
            **eu_provenance(ctx, PUBLISHER),
        ),
    )


def extract_file(data: bytes, uri: str = "<bytes>") -> LegalText:
    """Parse and extract one EUR-Lex HTML file (for tests and tools)."""
    return extract(parse_html(data, uri, "EUR-Lex HTML file"))[0]
