"""Cellar metadata notices (the Publications Office's ``<NOTICE type="object|branch|tree">``
XML, https://op.europa.eu/en/web/cellar) used to enrich a document read from content that has
a notice next to it.

A notice is looked for beside the content file (same folder or same zip folder): the file named
by the source option ``notice`` if given, else ``<stem>.notice.xml``, ``<stem>_notice.xml``,
``notice.xml`` or ``tree_notice.xml`` (``<stem>`` is the content file name up to its first dot).
From it: CELEX (``SAMEAS/URI[TYPE=celex]``), ELI (``URI[TYPE=eli]`` or ``ELI``), the
expression title (``EXPRESSION_TITLE/VALUE``), the work date (``WORK_DATE_DOCUMENT/VALUE``),
the EuroVoc concepts (``WORK_IS_ABOUT_CONCEPT_EUROVOC//IDENTIFIER``) and the expression
language (``EXPRESSION_USES_LANGUAGE`` or ``LANG``, Cellar three-letter codes). Enrichment only
fills what the content did not say (the content's own title and date win), except the document
reference, which becomes the CELEX number (the most stable id of an EU act).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from altedic.langid.codes import read_declaration
from altedic.readers.base import ReadContext
from altedic.readers.legal import plain_name, sibling_bytes
from altedic.readers.xmlsafe import Element, collapse_ws, parse_xml
from altedic.records import Document


@dataclass
class Notice:
    """What a Cellar notice says about a work and its expression."""

    celex: str | None = None
    eli: str | None = None
    title: str | None = None
    date: str | None = None
    lang: str | None = None
    lang_unrecognised: str | None = None
    eurovoc: list[str] = field(default_factory=list)


def _first_value(root: Element, tag: str) -> str | None:
    for el in root.iter(tag):
        v = el.find("VALUE")
        if v is not None and v.text and v.text.strip():
            return collapse_ws(v.text)
    return None


def parse_notice(data: bytes, uri: str) -> Notice:
    """Parse a notice (InputError if it is not well-formed or hostile)."""
    root = parse_xml(data, uri, "Cellar notice")
    n = Notice()
    for u in root.iter("URI"):
        typ = (u.findtext("TYPE") or "").strip().lower()
        ident = (u.findtext("IDENTIFIER") or "").strip()
        value = (u.findtext("VALUE") or "").strip()
        if typ == "celex" and ident and n.celex is None:
            n.celex = ident
        elif typ == "eli" and value and n.eli is None:
            n.eli = value
    if n.eli is None:
        n.eli = _first_value(root, "ELI") or _first_value(root, "RESOURCE_LEGAL_ELI")
    n.title = _first_value(root, "EXPRESSION_TITLE")
    n.date = _first_value(root, "WORK_DATE_DOCUMENT")
    # the first code read; when none is, the first one not understood
    n.lang, n.lang_unrecognised = read_declaration(
        *(
            el.findtext("URI/IDENTIFIER") or el.findtext("IDENTIFIER") or el.findtext("VALUE") or el.text
            for el in root.iter("EXPRESSION_USES_LANGUAGE", "LANG")
        )
    )
    seen: set[str] = set()
    for el in root.iter("WORK_IS_ABOUT_CONCEPT_EUROVOC"):
        ident = el.findtext("IDENTIFIER")
        if ident and ident.strip() and ident.strip() not in seen:
            seen.add(ident.strip())
            n.eurovoc.append(ident.strip())
    return n


def find_notice(ctx: ReadContext) -> Notice | None:
    """The notice next to ``ctx``'s file, or None (see module docstring for the names tried)."""
    name = ctx.file_name
    stem = name.split(".", 1)[0]
    explicit = ctx.options.get("notice")
    candidates = (
        [str(explicit)] if explicit else [f"{stem}.notice.xml", f"{stem}_notice.xml", "notice.xml", "tree_notice.xml"]
    )
    for cand in candidates:
        if cand == name:
            continue
        if not explicit and not plain_name(cand):
            # Built from the file's own name, which is no path trick; a name no file can have
            # (a stem of 250 bytes + ".notice.xml") simply has no notice.
            continue
        data = sibling_bytes(ctx, cand)
        if data is not None:
            return parse_notice(data, cand)
    return None


def enrich(ctx: ReadContext, doc: Document) -> Document:
    """Fill ``doc`` from the notice next to it, if any (InputError if that notice is broken)."""
    notice = find_notice(ctx)
    if notice is None:
        return doc
    if notice.celex:
        doc.metadata["celex"] = notice.celex
        doc.doc_ref = notice.celex
    if notice.eli:
        doc.metadata["eli"] = notice.eli
        doc.url = doc.url or notice.eli
    if notice.eurovoc:
        doc.metadata["eurovoc"] = " ".join(notice.eurovoc)
    if notice.title and not doc.title:
        doc.title = notice.title
    if notice.date and not doc.date:
        doc.date = notice.date
    if notice.lang and not doc.declared_lang:
        doc.declared_lang = notice.lang
        doc.metadata.pop("declared_lang_unrecognised", None)  # the file's, now read from the notice
    elif notice.lang_unrecognised and not doc.declared_lang:
        doc.metadata.setdefault("declared_lang_unrecognised", notice.lang_unrecognised)
    doc.metadata["notice"] = "cellar"
    return doc
