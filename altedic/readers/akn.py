"""Akoma Ntoso 3.0 (OASIS LegalDocML), AKN4EU (the EU institutions' profile, LEOS) and national
variants (LegalDocML.de, Finlex, Normattiva, Legilux...).

Reference: *Akoma Ntoso Version 1.0, Part 1: XML Vocabulary* (OASIS LegalDocML, 2018) and
the AKN4EU documentation of the Publications Office. Elements are matched by *local name*, so
the AKN 3.0 namespace and national namespaces (``http://Inhaltsdaten.LegalDocML.de/...``) read
the same way.

One document per file: ``preface`` (title), ``preamble`` (formula, citations, recitals),
``body``/``mainBody`` (one part per ``article``; ``chapter``/``section``/``part``/``title``
headings as their own parts), ``conclusions`` and ``attachments``/``components`` (annexes).
``meta`` (FRBR identification, references, proprietary Formex leftovers), ``coverPage`` and
``toc`` are not text. A document attached inline (``attachment/doc``) that does not declare the
file's own language is a document of its own (:func:`read_akn`).

Traps handled: ``authorialNote`` footnotes are cut out of the body like Formex notes
(``notes: metadata|drop``); LEOS placeholders (``OJ C [...], [...], p. [...]``) are dropped
from text and notes; ``quotedStructure``/``embeddedStructure`` articles stay inside the
amending text; ``FRBRlanguage`` values seen in the wild (``en-EN``, ``fin``, ``gr``, ``ita``,
empty) go through :func:`altedic.langid.codes.normalise_lang`, with the AKN naming convention
(``.../EN@/!main``) as fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from altedic.langid.codes import normalise_lang, read_declaration
from altedic.readers.base import ReadContext
from altedic.readers.cellar import enrich
from altedic.readers.legal import LegalText, LineBuilder, eu_provenance, iso_date, option
from altedic.readers.xmlsafe import Element, local, parse_xml
from altedic.records import Document, ReadError

BLOCKS = frozenset(
    [
        "p",
        "heading",
        "subheading",
        "num",
        "paragraph",
        "subparagraph",
        "point",
        "alinea",
        "list",
        "intro",
        "wrapUp",
        "citation",
        "citations",
        "recital",
        "recitals",
        "article",
        "chapter",
        "section",
        "subsection",
        "part",
        "title",
        "subtitle",
        "book",
        "formula",
        "longTitle",
        "docTitle",
        "tr",
        "li",
        "blockList",
        "item",
        "listIntroduction",
        "listWrapUp",
        "blockContainer",
        "container",
        "signature",
        "tblock",
        "crossHeading",
        "hcontainer",
        "level",
        "division",
        "ul",
        "ol",
        "table",
        "content",
        "docProponent",
        "docStage",
        "docType",
        "docPurpose",
        "docNumber",
        "docDate",
        "preface",
        "preamble",
        "conclusions",
        "attachment",
        "mainBody",
        "body",
    ]
)
CONTAINERS = frozenset(["chapter", "section", "part", "title", "subtitle", "book", "division", "hcontainer", "level"])
SKIP = frozenset({"meta", "coverPage", "toc", "authorialNote", "note", "notes", "eop", "eol_skip"})
QUOTED = frozenset({"quotedStructure", "embeddedStructure", "mod"})

#: LEOS leaves bibliographic placeholders in drafts: ``OJ C [...], [...], p. [...]`` (and the
#: same in other languages: ``IO C [...], [...], lch. [...]``, ``ABl. C [...]``, ``JO L [...]``).
#: A ``[...]`` left at the end of a line (signatures: ``The President [...]``) is one too.
#: That second alternative starts only where a run of spaces starts (``(?<!\s)``): tried at
#: every position inside a long run (no-break spaces in a ``<p>``), ``\s*`` would rescan the rest
#: of the run each time, quadratic time. A match from inside a run is the same as the one from
#: its start, which a left-to-right search finds first, so the matches are unchanged.
PLACEHOLDER = re.compile(
    r"\(?\b[^\W\d_]{1,4}\.?\s+[A-Z]{1,2}\s*\[\.\.\.\](?:,\s*\[\.\.\.\])*(?:,\s*[^\W\d_]{1,4}\.\s*\[\.\.\.\])?\)?\.?"
    r"|(?<!\s)\s*\[\.\.\.\]\s*$"
)

#: LEOS also leaves a reference to fill in with no ``[...]``: ``OJ L , , p. .``, or just ``OJ L``
#: (``ABl. L , , S. .``, ``IO C , , lch. .``): a journal, a series, then only commas, dots and a
#: page abbreviation. A footnote that is only that is dropped; lines of the text are not
#: touched, nor is a note that says more (``Siehe ABl. C.``).
EMPTY_REFERENCE = re.compile(r"\(?[^\W\d_]{1,4}\.?\s+[A-Z]{1,2}(?:[\s.,]*[^\W\d_]{1,4}\.)?[\s.,]*\)?")

#: The Official Journal's abbreviation in the EU languages (lower case, without its dot), the
#: first word of an ``EMPTY_REFERENCE``: a short note of another word (``See OJ``, ``Cf. EU``) is
#: a real one and stays.
JOURNALS = frozenset(
    {"oj", "abl", "jo", "gu", "do", "pb", "eut", "euvl", "εε", "ов", "ul", "sl", "hl", "ol", "ov", "elt", "ġu", "io"}
)


def _empty_reference(text: str) -> bool:
    """Whether a note is only a reference left to fill in (``OJ L , , p. .``)."""
    return EMPTY_REFERENCE.fullmatch(text) is not None and text.lstrip("(").split()[0].rstrip(".").lower() in JOURNALS


class _Walker:
    def __init__(self, notes: list[str]) -> None:
        self.lb = LineBuilder()
        self.notes = notes

    def walk(self, el: Element) -> None:
        name = local(el.tag)
        if not name:
            return
        if name == "authorialNote":
            sub = _Walker([])
            sub.children(el)
            text = PLACEHOLDER.sub("", " ".join(sub.lb.take())).strip()
            if any(c.isalnum() for c in text) and not _empty_reference(text):
                marker = el.get("marker") or f"({len(self.notes) + 1})"
                self.notes.append(f"{marker} {text}")
            return
        if name in SKIP:
            return
        if name == "br" or name == "eol":
            self.lb.brk()
            return
        block = name in BLOCKS
        if block:
            self.lb.brk()
        self.children(el)
        if name in ("td", "th", "cell"):
            self.lb.text(" ")
        if block:
            self.lb.brk()

    def children(self, el: Element) -> None:
        self.lb.text(el.text)
        for child in el:
            self.walk(child)
            self.lb.text(child.tail)

    def lines(self) -> list[str]:
        out = []
        for line in self.lb.take():
            line = PLACEHOLDER.sub("", line).strip()
            if line:
                out.append(line)
        return out


def _lines(el: Element, notes: list[str]) -> list[str]:
    w = _Walker(notes)
    w.walk(el)
    return w.lines()


def _body(children: Iterable[Element], out: LegalText) -> None:
    for child in children:
        name = local(child.tag)
        if not name or name in SKIP:
            continue
        if name == "article":
            num = next((c for c in child if local(c.tag) == "num"), None)
            label = " ".join(_lines(num, [])) if num is not None else None
            out.add("article", _lines(child, out.notes), label)
        elif name in CONTAINERS:
            head = [c for c in child if local(c.tag) in ("num", "heading", "subheading")]
            out.add("heading", [line for h in head for line in _lines(h, out.notes)])
            rest = [c for c in child if local(c.tag) not in ("num", "heading", "subheading")]
            _body(rest, out)
        else:
            out.add("body", _lines(child, out.notes))


def _inline_doc(attachment: Element) -> Element | None:
    """The document element an ``attachment``/``component`` holds inline, if any."""
    return next((c for c in attachment if local(c.tag) in ("doc", "act", "bill")), None)


def _apart(inner: Element, lang: str | None) -> bool:
    """Whether the attached document ``inner`` is read apart from a document in ``lang``: unless
    its own meta declares that same language (see :func:`read_akn`)."""
    return lang is None or _lang(_meta(inner))[0] != lang


def extract(doc: Element, attached: list[Element] | None = None, lang: str | None = None) -> LegalText:
    """Parts of one AKN document element (``act``, ``bill``, ``doc``...).

    With ``attached`` (a list), a document held inline by an ``attachment``/``component`` that
    does not declare ``lang`` (the declared language of ``doc``) is not merged into the parts but
    appended to ``attached``: :func:`read_akn` makes it a document of its own. Without it (tests
    and tools), every attached document's parts are merged as annexes.
    """
    out = LegalText()
    for child in doc:
        name = local(child.tag)
        if not name or name in SKIP:
            continue
        if name == "preface":
            lines = _lines(child, out.notes)
            out.add("title", lines)
            titles = [t for t in child.iter() if local(t.tag) in ("docTitle", "longTitle")]
            if titles:
                out.title = " ".join(" ".join(_lines(t, [])) for t in titles[:1]) or None
            elif lines:
                out.title = lines[0]
        elif name == "preamble":
            out.add("preamble", _lines(child, out.notes))
            if out.title is None:
                # Légifrance puts the <docTitle> in the <preamble> and has no <preface>.
                titles = [t for t in child.iter() if local(t.tag) in ("docTitle", "longTitle")]
                if titles:
                    out.title = " ".join(_lines(titles[0], [])) or None
        elif name in ("body", "mainBody", "judgmentBody", "debateBody", "amendmentBody", "collectionBody"):
            _body(child, out)
        elif name == "conclusions":
            out.add("final", _lines(child, out.notes))
        elif name in ("attachments", "components"):
            for att in child:
                if local(att.tag):
                    inner = _inline_doc(att)
                    if inner is not None and attached is not None and _apart(inner, lang):
                        attached.append(inner)
                    elif inner is not None:
                        sub = extract(inner)
                        out.notes.extend(sub.notes)
                        for p in sub.parts:
                            out.add("annex" if p.kind != "article" else "article", p.lines, p.label)
                    else:
                        out.add("annex", _lines(att, out.notes))
        else:
            out.add("body", _lines(child, out.notes))
    return out


def _meta(doc: Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    ident = next((m for m in doc if local(m.tag) == "meta"), None)
    if ident is None:
        return meta
    for el in ident.iter():
        name = local(el.tag)
        value = el.get("value") or el.get("language") or el.get("date")
        parent = local(el.getparent().tag) if el.getparent() is not None else ""
        if name == "FRBRlanguage" and "lang_raw" not in meta:
            meta["lang_raw"] = el.get("language") or ""
        elif name == "FRBRthis" and parent == "FRBRExpression" and value:
            meta.setdefault("frbr_expression", value)
        elif name == "FRBRthis" and parent == "FRBRWork" and value:
            meta.setdefault("frbr_work", value)
        elif name == "FRBRdate" and parent in ("FRBRWork", "FRBRExpression") and el.get("date"):
            meta.setdefault("date", el.get("date") or "")
        elif name == "FRBRalias" and value:
            meta.setdefault("alias", value)
        elif name == "FRBRnumber" and value:
            meta.setdefault("number", value)
    return meta


def _lang(meta: dict[str, str]) -> tuple[str | None, str | None]:
    """The declared language (``FRBRlanguage``, else the language of the FRBR expression or work
    IRI) and, when there is none, the ``FRBRlanguage`` value that was not understood."""
    hint = None
    for key in ("frbr_expression", "frbr_work"):
        m = re.search(r"/([A-Za-z]{2,3})@", meta.get(key, ""))
        if m and normalise_lang(m.group(1)):
            hint = m.group(1)
            break
    return read_declaration(meta.get("lang_raw") or None, hint=hint)


def read_akn(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """One document per AKN file, and one per attached document read apart (see below). Option
    ``notes: metadata|drop`` (default ``metadata``)."""
    notes_mode = option(ctx, "notes", ("metadata", "drop"))
    root = parse_xml(ctx.read_bytes(), ctx.uri, "Akoma Ntoso file")
    if local(root.tag) != "akomaNtoso":
        yield ctx.error(f"not an Akoma Ntoso file: root element is <{local(root.tag)}>", "root", "schema")
        return
    doc = next((c for c in root if local(c.tag)), None)
    if doc is None:
        yield ctx.error("Akoma Ntoso file has no document element", "root", "empty")
        return
    # An attached document that declares the document's own language stays in it as an annex
    # (as a Formex package is one document with its annexes); one that declares another
    # language, or none, is a document of its own (see below).
    attached: list[Element] = []
    text = extract(doc, attached, _lang(_meta(doc))[0])
    apart = [(inner, extract(inner)) for inner in attached]
    if not text.parts and not any(sub.parts for _inner, sub in apart):
        yield ctx.error("Akoma Ntoso file has no text", f"<{local(doc.tag)}>", "empty")
        return
    meta, lang, date = _described(doc, text, notes_mode)
    if apart:
        meta["attachments"] = str(len(apart))
    prov = eu_provenance(ctx, "Publications Office of the European Union")
    eu = (
        ctx.options.get("eu") is True
        or meta.get("frbr_work", "").startswith("/akn/eu/")
        or "urn:eu:europa:ec:leos" in root.nsmap.values()
        or any(local(e.tag) == "akn4euVersion" for e in root.iter())
    )
    if ctx.source.licence is None and not eu:
        # National legislation (Finlex, Légifrance, Normattiva...) is not under the EU policy:
        # leave the licence to the recipe rather than claim one.
        prov = {"publisher": ctx.source.publisher}
    doc_ref = _doc_ref(meta)
    if text.parts:
        yield enrich(
            ctx,
            ctx.doc(
                text.render(),
                position=f"doc {local(doc.tag)}",
                declared_lang=lang,
                doc_ref=doc_ref,
                title=text.title,
                date=date,
                metadata=meta,
                **prov,
            ),
        )
    # An attached document in another language or none declared (a convention and its protocol,
    # in French and in English, attached to the law approving them) is a document of its own,
    # described by its own meta: merged into the law, two languages made one document that the
    # language stage labelled with one. Its language is the one its meta declares, never the
    # law's; the Cellar notice of the file describes the law, so it is not applied to them.
    for i, (inner, sub) in enumerate(apart, start=1):
        if not sub.parts:
            continue
        sub_meta, sub_lang, sub_date = _described(inner, sub, notes_mode)
        sub_meta["attachment"] = str(i)
        yield ctx.doc(
            sub.render(),
            position=f"doc {local(doc.tag)} attachment {i}",
            declared_lang=sub_lang,
            doc_ref=_doc_ref(sub_meta) or doc_ref,
            title=sub.title,
            date=sub_date,
            metadata=sub_meta,
            **prov,
        )


def _doc_ref(meta: dict[str, str]) -> str | None:
    return meta.get("frbr_expression") or meta.get("frbr_work") or meta.get("number") or None


def _described(doc: Element, text: LegalText, notes_mode: str) -> tuple[dict[str, str], str | None, str | None]:
    """Metadata, declared language and date of one AKN document element from its own ``meta``."""
    meta = _meta(doc)
    lang, unrecognised = _lang(meta)
    raw_lang = meta.pop("lang_raw", "")
    if raw_lang:
        meta["frbr_language"] = raw_lang
    if unrecognised:
        meta["declared_lang_unrecognised"] = unrecognised
    date = iso_date(meta.pop("date", None))
    if date and date > "2100":  # AKN's "unknown date" convention (2999-01-01, 9999-01-01)
        date = None
    meta["articles"] = str(len(text.articles()))
    meta["akn_type"] = local(doc.tag) + (f":{doc.get('name')}" if doc.get("name") else "")
    meta.update(text.notes_metadata(notes_mode))
    return meta, lang, date


def extract_file(data: bytes, uri: str = "<bytes>") -> LegalText:
    """Parse and extract one AKN file (for tests and tools)."""
    root = parse_xml(data, uri, "Akoma Ntoso file")
    doc = next(c for c in root if local(c.tag))
    return extract(doc)
