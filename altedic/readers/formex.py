"""Formex 4: the Publications Office's XML exchange format of the Official Journal.

Reference: *Formex Version 4 -- Physical specifications* and the element catalogue of the
Publications Office (https://op.europa.eu/en/web/eu-vocabularies/formex), schema
``formex-06.00`` (2021) and older ``formex-04/05`` files.

What is read:

* A **package manifest** (root ``DOC``, ``*.doc.fmx.xml``): its ``REF.PHYS`` entries name the
  main act (``DOC.MAIN.PUB``) and the annexes (``DOC.SUB.PUB``); they are read from the same
  folder (or the same zip) and assembled into one document (``package: one``, the default) or
  one document per physical file (``package: per_annex``). ELI (``NO.ELI``), OJ reference
  (``PUBLICATION.REF``), document type (``LEGAL.VALUE``) and title come from the manifest.
* A **content file** (root ``ACT``, ``ANNEX``, ``CONS.ACT``, ``GENERAL``...): read on its own,
  unless its ``BIB.INSTANCE/DOCUMENT.REF/@FILE`` manifest sits next to it, is read by the same
  source (its paths, or the archive's ``member_glob``, take it), parses and lists this file in
  a ``REF.PHYS``, in which case the manifest assembles it and the file yields nothing by itself
  (no duplicate text). A TOC file
  (root ``PUBLICATION``) yields nothing. ``package: none`` reads every content file on its own
  and ignores manifests.

Traps handled (each has a fixture in tests/fixtures/readers/formex/):

* ``QUOT.START``/``QUOT.END`` are *empty* elements that stand for quotation marks: the mark is
  ``chr(int(CODE, 16))`` (``2018`` -> ‘, ``201C`` -> “), default ‘ and ’ (also for a code that
  is no printable character: a control, a lone surrogate, out of range, not hexadecimal).
* ``NOTE`` footnotes sit inline in mid-sentence: they are cut out of the body (the text on both
  sides joins up) and kept in ``metadata['notes']`` (``notes: metadata``, default) or dropped
  (``notes: drop``). A table's notes (``TBL/GR.NOTES/NOTE``) too, numbered in document order
  with the others; the empty ``NOTE NOTE.REF`` marker in a cell gives nothing.
* Quoted amendments ``QUOT.S`` contain *foreign* ``ARTICLE`` elements: they stay inside the
  amending article's text and are never counted as articles of the act.
* Processing instructions (``<?PAGE NO="2"?>``) and comments anywhere: ignored, the text
  after them (their *tail*) is kept.
* No-break spaces are kept (they bind ``100 %``); only XML whitespace is collapsed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from altedic.errors import InputError
from altedic.langid.codes import read_declaration
from altedic.readers.base import ReadContext
from altedic.readers.cellar import enrich
from altedic.readers.legal import (
    LegalText,
    LineBuilder,
    eu_provenance,
    iso_date,
    option,
    sibling_bytes,
    sibling_in_source,
)
from altedic.readers.xmlsafe import Element, local, parse_xml
from altedic.records import Document, ReadError

PUBLISHER = "Publications Office of the European Union"

#: Elements that start and end a line. Everything else is inline (HT, DATE, REF.DOC.OJ, FT...).
BLOCKS = frozenset(
    [
        "P",
        "ALINEA",
        "PARAG",
        "ITEM",
        "LIST",
        "NP",
        "CONSID",
        "VISA",
        "TI",
        "STI",
        "TI.ART",
        "STI.ART",
        "PREAMBLE.INIT",
        "PREAMBLE.FINAL",
        "GR.CONSID.INIT",
        "GR.VISA",
        "GR.CONSID",
        "TITLE",
        "ROW",
        "DIVISION",
        "ARTICLE",
        "QUOT.S",
        "GR.SEQ",
        "CONTENTS",
        "FINAL",
        "SIGNATURE",
        "SIGNATORY",
        "PL.DATE",
        "ANNEX",
        "FORMULA",
        "TI.CJT",
        "GR.TBL",
        "TBL",
        "CORPUS",
        "BLK",
        "DLIST",
        "DLIST.ITEM",
        "TXT.COL",
        "EXPL",
        "NP.ECR",
        "PARAG.CJT",
        "ENACTING.TERMS",
        "PREAMBLE",
    ]
)
#: Numbering elements: followed by a space and kept on the line they number.
NUMBERS = frozenset({"NO.P", "NO.PARAG", "NO.ITEM", "NO.GR.SEQ"})
#: Bibliographic / technical elements: no body text. (``GR.NOTES``, a table's notes, is walked:
#: its ``NOTE``s go to the notes like any other; skipped, they were in neither text nor notes.)
SKIP = frozenset({"BIB.INSTANCE", "BIB.DOC", "BIB.OJ", "INCLUSIONS", "NOTE", "REF.PHYS"})
#: List types with an implicit marker (Formex LIST/@TYPE), rendered as the OJ prints them.
LIST_MARKS = {"DASH": "—", "NDASH": "–", "BULLET": "•"}

#: ``LEGAL.VALUE`` -> CELEX descriptor letter (sector 3 legislation). Source: EUR-Lex, "CELEX
#: number" help page (descriptors R regulation, L directive, D decision).
_CELEX_TYPE = {
    "REG": "R",
    "REGIMP": "R",
    "REGDEL": "R",
    "DIR": "L",
    "DIRIMP": "L",
    "DIRDEL": "L",
    "DEC": "D",
    "DECIMP": "D",
    "DECDEL": "D",
}


@dataclass
class _Walk:
    """State of one text extraction: the line builder and the footnotes found on the way."""

    lines: LineBuilder = field(default_factory=LineBuilder)
    notes: list[str] = field(default_factory=list)


def _note_text(note: Element) -> str:
    w = _Walk()
    _walk_children(note, w)
    return " ".join(w.lines.take())


def _walk_children(el: Element, w: _Walk, mark: str | None = None) -> None:
    w.lines.text(el.text)
    for child in el:
        if mark is not None and local(child.tag) == "ITEM":
            w.lines.brk()
            w.lines.text(mark + " ")
        _walk(child, w)
        w.lines.text(child.tail)


def _quote_mark(code: str | None, default: str) -> str:
    """The quotation mark of a ``QUOT.START``/``QUOT.END`` ``CODE`` (hexadecimal code point).

    A code that is no quotation mark at all falls back to the default mark, as a missing one
    does: not hexadecimal, beyond U+10FFFF, or a character of category C (a control such as NUL
    ``0`` or ESC ``1B``, a lone surrogate such as ``D83D``, a format, private-use or unassigned
    code point). The text keeps its quotation and nothing unprintable or invalid enters it (a
    lone surrogate stopped the run at the Parquet writer).
    """
    if not code:
        return default
    try:
        mark = chr(int(code, 16))
    except (ValueError, OverflowError):  # not hex; negative or beyond U+10FFFF; beyond C long
        return default
    return default if unicodedata.category(mark).startswith("C") else mark


def _walk(el: Element, w: _Walk) -> None:
    """Append the text of ``el`` (not its tail) to ``w``."""
    name = local(el.tag)
    if not name:  # comment, processing instruction, entity reference: no text of their own
        return
    if name == "NOTE":
        text = _note_text(el)
        if text:
            w.notes.append(f"({len(w.notes) + 1}) {text}")
        return
    if name in SKIP:
        return
    if name == "GR.NOTES":
        # a table's notes: only its NOTEs (a heading of the group, TITLE, is no text of the act)
        for child in el:
            if local(child.tag) == "NOTE":
                _walk(child, w)
        return
    if name in ("QUOT.START", "QUOT.END"):
        w.lines.text(_quote_mark(el.get("CODE"), "‘" if name == "QUOT.START" else "’"))
        return
    block = name in BLOCKS
    if block:
        w.lines.brk()
    if name == "HT" and el.get("TYPE") == "UC":
        # Upper case is how the OJ prints HT TYPE="UC" (Formex manual, HT element); the
        # EUR-Lex HTML carries the upper-case text, so both readers agree.
        sub = _Walk(notes=w.notes)
        sub.lines = LineBuilder()
        _walk_children(el, sub)
        w.lines.text(" ".join(sub.lines.take()).upper())
        return
    mark = LIST_MARKS.get(el.get("TYPE", "")) if name == "LIST" else None
    _walk_children(el, w, mark)
    if name in NUMBERS or name == "CELL":
        w.lines.text(" ")
    if block:
        w.lines.brk()


def _lines(el: Element, notes: list[str]) -> list[str]:
    w = _Walk(notes=notes)
    _walk(el, w)
    return w.lines.take()


def _enacting(el: Element, out: LegalText) -> None:
    """Divisions and articles of the enacting terms, in document order."""
    for child in el:
        _enact_node(child, out)


def _enact_node(el: Element, out: LegalText) -> None:
    name = local(el.tag)
    if not name:
        return
    if name == "ARTICLE":
        ti = el.find("TI.ART")
        label = " ".join(_lines(ti, [])) if ti is not None else None
        out.add("article", _lines(el, out.notes), label)
    elif name == "DIVISION":
        title = el.find("TITLE")
        if title is not None:
            out.add("heading", _lines(title, out.notes))
        for sub in el:
            if local(sub.tag) != "TITLE":
                _enact_node(sub, out)
    else:
        out.add("body", _lines(el, out.notes))


def extract(root: Element) -> LegalText:
    """The text structure of one Formex content file (ACT, ANNEX, CONS.ACT, GENERAL...)."""
    out = LegalText()
    rname = local(root.tag)
    for child in root:
        name = local(child.tag)
        if not name or name in SKIP:
            continue
        if name == "TITLE":
            lines = _lines(child, out.notes)
            out.add("annex" if rname == "ANNEX" else "title", lines)
            if out.title is None and lines:
                out.title = " ".join(lines)
        elif name == "PREAMBLE":
            out.add("preamble", _lines(child, out.notes))
        elif name == "ENACTING.TERMS":
            _enacting(child, out)
        elif name == "FINAL":
            out.add("final", _lines(child, out.notes))
        elif name == "ARTICLE":
            _enact_node(child, out)
        else:
            out.add("annex" if rname == "ANNEX" else "body", _lines(child, out.notes))
    return out


def _text_of(el: Element | None) -> str | None:
    if el is None:
        return None
    t = " ".join("".join(el.itertext()).split())
    return t or None


def _bib(root: Element) -> dict[str, str]:
    """Metadata of a content file from ``BIB.INSTANCE`` (language, date, OJ reference)."""
    meta: dict[str, str] = {}
    bib = root.find("BIB.INSTANCE")
    if bib is None:
        return meta
    lg = _text_of(bib.find("LG.DOC"))
    if lg:
        meta["lg_doc"] = lg
    date = bib.find("DATE")
    if date is not None and iso_date(date.get("ISO")):
        meta["date"] = iso_date(date.get("ISO")) or ""
    ref = bib.find("DOCUMENT.REF")
    if ref is not None:
        if ref.get("FILE"):
            meta["manifest"] = ref.get("FILE", "")
        coll, no_oj = _text_of(ref.find("COLL")), _text_of(ref.find("NO.OJ"))
        year, page = _text_of(ref.find("YEAR")), _text_of(ref.find("PAGE.FIRST"))
        if coll and no_oj:
            meta["oj_ref"] = (
                f"OJ {coll} {no_oj.lstrip('0')}, {year}, p. {page}"
                if page
                else f"OJ {coll} {no_oj.lstrip('0')}, {year}"
            )
    no_doc = bib.find("NO.DOC")
    if no_doc is None and ref is not None:
        no_doc = ref.find("NO.DOC")
    if no_doc is not None:
        com, year, num = (_text_of(no_doc.find(t)) for t in ("COM", "YEAR", "NO.CURRENT"))
        if year and num:
            meta["number"] = f"({com}) {year}/{num}" if no_doc.get("FORMAT") == "YN" else f"({com}) No {num}/{year}"
            if "oj_ref" not in meta and ref is not None and _text_of(ref.find("COLL")):
                meta["oj_ref"] = f"OJ {_text_of(ref.find('COLL'))}, {year}/{num}"
    return meta


@dataclass
class _Manifest:
    files: list[tuple[str, str]]  # (kind main|annex, file name)
    meta: dict[str, str]
    title: str | None
    lang: str | None
    date: str | None


def _manifest(root: Element) -> _Manifest:
    files: list[tuple[str, str]] = []
    fmx = root.find("FMX")
    if fmx is not None:
        for pub in fmx:
            kind = "main" if local(pub.tag) == "DOC.MAIN.PUB" else "annex"
            for phys in pub.iter("REF.PHYS"):
                if phys.get("FILE"):
                    files.append((kind, phys.get("FILE", "")))
    meta: dict[str, str] = {}
    eli = root.find("BIB.DOC/NO.ELI")
    if eli is not None and eli.get("ID"):
        meta["eli"] = eli.get("ID", "")
    legal = _text_of(root.find("FMX/DOC.MAIN.PUB/LEGAL.VALUE"))
    if legal:
        meta["legal_value"] = legal
    pub = root.find("PUBLICATION.REF")
    no_doc = root.find("BIB.DOC/NO.DOC")
    if no_doc is not None:
        com, year, num = (_text_of(no_doc.find(t)) for t in ("COM", "YEAR", "NO.CURRENT"))
        if year and num:
            yn = no_doc.get("FORMAT") == "YN"
            meta["number"] = f"({com}) {year}/{num}" if yn else f"({com}) No {num}/{year}"
            if legal in _CELEX_TYPE:
                # ASCII digits only: "9²" passes str.isdigit() and then int() fails
                meta["celex"] = f"3{year}{_CELEX_TYPE[legal]}{int(num):04d}" if num.isascii() and num.isdigit() else ""
                if not meta["celex"]:
                    del meta["celex"]
    if pub is not None:
        coll, no_oj = _text_of(pub.find("COLL")), _text_of(pub.find("NO.OJ"))
        d = pub.find("DATE")
        pdate = iso_date(d.get("ISO")) if d is not None else None
        if pdate:
            meta["oj_date"] = pdate
        if coll and no_oj and pdate:
            meta["oj_ref"] = f"OJ {coll} {no_oj.lstrip('0')}, {int(pdate[8:])}.{int(pdate[5:7])}.{pdate[:4]}"
        elif coll and "number" in meta and pdate and no_doc is not None:
            year, num = _text_of(no_doc.find("YEAR")), _text_of(no_doc.find("NO.CURRENT"))
            meta["oj_ref"] = f"OJ {coll}, {year}/{num}, {int(pdate[8:])}.{int(pdate[5:7])}.{pdate[:4]}"
    title = _text_of(root.find(".//ITEM.VOLUME/TITLE/TI"))
    lang = _text_of(root.find("FMX/DOC.MAIN.PUB/LG.DOC"))
    d = root.find("FMX/DOC.MAIN.PUB/DATE")
    date = iso_date(d.get("ISO")) if d is not None else None
    return _Manifest(files, meta, title, lang, date)


def _assembled_by(ctx: ReadContext, manifest: str) -> bool:
    """True when the manifest ``manifest`` named by this content file takes responsibility for it.

    Only then may the content file yield nothing by itself: the manifest exists next to it, is
    read by the same source (:func:`sibling_in_source`), is well-formed, is a manifest (root
    ``DOC``) and lists this very file in a ``REF.PHYS`` (its
    reading then yields the text or an error naming the part). A content file pointing at a
    manifest that does not list it (an annex left out), at a malformed one, at another content
    file (two files pointing at each other) or at itself is read on its own: it was otherwise
    lost without a trace (3 files in, 1 document out, no error).
    """
    own = ctx.file_name
    if manifest == own:
        return False
    if not sibling_in_source(ctx, manifest):
        # The source does not read the manifest (its paths name the act file alone): nothing
        # would assemble this file, and it was lost without a trace (read 0, no error). It is
        # read on its own, as the user asked for this file.
        return False
    try:
        data = sibling_bytes(ctx, manifest)
        if data is None:
            return False
        root = parse_xml(data, f"{ctx.uri.rsplit('/', 1)[0]}/{manifest}", "Formex manifest")
    except InputError:  # unsafe name, unreadable or malformed: the manifest reports itself when read
        return False
    return local(root.tag) == "DOC" and any(name == own for _kind, name in _manifest(root).files)


def _lang_from_name(uri: str) -> str | None:
    """``L_202400903EN.000101.fmx.xml`` -> ``EN`` (the OJ file naming: series, number, language)."""
    import re

    m = re.search(r"[A-Z]_\d{6,9}([A-Z]{2})\.", uri.rsplit("/", 1)[-1])
    return m.group(1) if m else None


def read_formex(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """Read one Formex file (manifest or content file) into documents; see the module docstring.

    Options: ``package: one|per_annex|none`` (default ``one``), ``notes: metadata|drop``
    (default ``metadata``). Raises InputError when the file is not well-formed or hostile.
    """
    package = option(ctx, "package", ("one", "per_annex", "none"))
    notes_mode = option(ctx, "notes", ("metadata", "drop"))
    root = parse_xml(ctx.read_bytes(), ctx.uri, "Formex file")
    rname = local(root.tag)
    prov = eu_provenance(ctx, PUBLISHER)

    if rname == "PUBLICATION":  # an OJ table of contents: no text of its own
        return
    if rname == "DOC":
        if package == "none":
            return
        yield from _read_package(ctx, root, package, notes_mode, prov)
        return

    meta = _bib(root)
    manifest = meta.pop("manifest", None)
    if package != "none" and manifest and _assembled_by(ctx, manifest):
        return  # the manifest next to this file assembles it (see module docstring)
    text = extract(root)
    if not text.parts:
        yield ctx.error("Formex file has no text (no TITLE, PREAMBLE, ENACTING.TERMS or CONTENTS)", "root", "empty")
        return
    lang, unrecognised = read_declaration(meta.pop("lg_doc", None), hint=_lang_from_name(ctx.uri))
    if unrecognised:
        meta["declared_lang_unrecognised"] = unrecognised
    date = meta.pop("date", None)
    meta["articles"] = str(len(text.articles()))
    meta.update(text.notes_metadata(notes_mode))
    yield enrich(
        ctx,
        ctx.doc(
            text.render(),
            position=f"doc {rname}",
            declared_lang=lang,
            doc_ref=meta.get("oj_ref") or meta.get("number"),
            title=text.title,
            date=date,
            metadata=meta,
            **prov,
        ),
    )


def _read_package(
    ctx: ReadContext, root: Element, package: str, notes_mode: str, prov: dict[str, str | None]
) -> Iterator[Document | ReadError]:
    man = _manifest(root)
    if not man.files:
        yield ctx.error("Formex manifest lists no REF.PHYS file", "FMX", "formex-package")
        return
    parts: list[tuple[str, str, LegalText]] = []
    for i, (kind, name) in enumerate(man.files):
        try:
            data = sibling_bytes(ctx, name)
        except InputError as exc:  # an unsafe name, an unreadable part, one the archive limits refuse
            yield ctx.error(exc.message, f"REF.PHYS {i + 1} ({name})", "formex-package")
            continue
        if data is None:
            yield ctx.error(
                f"package part '{name}' listed in the manifest is missing next to it",
                f"REF.PHYS {i + 1}",
                "formex-package",
            )
            continue
        try:
            part_root = parse_xml(data, f"{ctx.uri.rsplit('/', 1)[0]}/{name}", "Formex package part")
        except InputError as exc:
            yield ctx.error(exc.message, f"REF.PHYS {i + 1} ({name}) {exc.position}".strip(), "xml")
            continue
        parts.append((kind, name, extract(part_root)))
    if not parts:
        return
    meta = dict(man.meta)
    lang, unrecognised = read_declaration(man.lang, hint=_lang_from_name(ctx.uri))
    if unrecognised:
        meta["declared_lang_unrecognised"] = unrecognised
    doc_ref = meta.get("celex") or meta.get("eli") or meta.get("oj_ref")
    if package == "one":
        whole = LegalText(title=man.title)
        for _kind, _name, t in parts:
            whole.parts.extend(t.parts)
            whole.notes.extend(t.notes)
        meta["articles"] = str(len(whole.articles()))
        meta["files"] = " ".join(n for _k, n, _t in parts)
        meta.update(whole.notes_metadata(notes_mode))
        yield enrich(
            ctx,
            ctx.doc(
                whole.render(),
                position="package",
                declared_lang=lang,
                doc_ref=doc_ref,
                title=man.title or parts[0][2].title,
                date=man.date,
                url=meta.get("eli"),
                metadata=meta,
                **prov,
            ),
        )
        return
    for kind, name, t in parts:
        m = dict(meta)
        m["articles"] = str(len(t.articles()))
        m["file"] = name
        m["part"] = kind
        m.update(t.notes_metadata(notes_mode))
        yield enrich(
            ctx,
            ctx.doc(
                t.render(),
                position=f"package {name}",
                declared_lang=lang,
                doc_ref=doc_ref,
                title=(man.title if kind == "main" else t.title) or t.title,
                date=man.date,
                url=meta.get("eli"),
                metadata=m,
                **prov,
            ),
        )


def extract_file(data: bytes, uri: str = "<bytes>") -> LegalText:
    """Parse and extract one Formex content file (for tests and tools)."""
    return extract(parse_xml(data, uri, "Formex file"))
