"""JRC-Acquis 3.0 TEI files (the JRC's parallel corpus of the EU acquis, one file per act and
language, e.g. ``jrc31958R0001-en.xml``).

Reference: Steinberger et al. (2006), *The JRC-Acquis: A multilingual aligned parallel corpus
with 20+ languages*, LREC; the corpus README (TEI.2 subset). What is read: the CELEX number
(``TEI.2/@n``, else the ``id``), the language (``TEI.2/@lang``), the title (second
``titleStmt/title``), the EuroVoc descriptors (``textClass/classCode[@scheme='eurovoc']``),
the download date, and the body's ``head`` and ``p`` lines in order.

Trap: the corpus writes characters outside its 8-bit ancestry as pseudo-entities
``%aacute%``, ``%ccedil%``... (HTML 4 entity names between percent signs). They are decoded
with Python's HTML entity table; a ``%word%`` that is not an entity name is left as it is (so
``15 % and 20 %`` is never touched).
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator

from altedic.langid.codes import EU_OFFICIAL, read_declaration
from altedic.readers.base import ReadContext
from altedic.readers.legal import eu_provenance
from altedic.readers.xmlsafe import XML_ID, XML_LANG, collapse_ws, local, parse_xml
from altedic.records import Document, ReadError

PUBLISHER = "European Commission, Joint Research Centre"
_PSEUDO = re.compile(r"%([A-Za-z][A-Za-z0-9]{1,9})%")


def decode_pseudo_entities(text: str) -> str:
    """``%aacute%`` -> ``á``; unknown names are left unchanged."""

    def repl(m: re.Match[str]) -> str:
        cp = html.entities.name2codepoint.get(m.group(1))
        return chr(cp) if cp is not None else m.group(0)

    return _PSEUDO.sub(repl, text)


def read_jrc_acquis(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """One document per JRC-Acquis TEI file (see module docstring)."""
    root = parse_xml(ctx.read_bytes(), ctx.uri, "JRC-Acquis TEI file")
    if local(root.tag) not in ("TEI.2", "TEI"):
        yield ctx.error(f"not a JRC-Acquis TEI file: root element is <{local(root.tag)}>", "root", "schema")
        return
    # TEI P5 puts every element in its namespace and writes xml:id / xml:lang: "{*}" matches an
    # element in any namespace or none.
    ident = root.get("id") or root.get(XML_ID) or ""
    celex = root.get("n") or None
    if celex is None and ident.startswith("jrc"):
        celex = ident[3:].rsplit("-", 1)[0].replace("_", "(", 1)
        celex = celex + ")" if "(" in celex else celex
    lang, unrecognised = read_declaration(root.get("lang"), root.get(XML_LANG), hint=ident.rsplit("-", 1)[-1] or None)
    titles = [collapse_ws("".join(t.itertext())) for t in root.iter("{*}title")]
    # The first title is the corpus's own label ("JRC-ACQUIS 31958R0001 English").
    title = next((decode_pseudo_entities(t) for t in titles if t and not t.startswith("JRC-ACQUIS")), None)
    eurovoc = [
        collapse_ws(c.text or "") for c in root.iter("{*}classCode") if (c.get("scheme") or "").lower() == "eurovoc"
    ]
    retrieved = next(
        (
            collapse_ws(d.text or "")
            for d in root.iter("{*}date")
            if d.getparent() is not None and local(d.getparent().tag) == "bibl"
        ),
        None,
    )
    body = next(root.iter("{*}body"), None)
    if body is None:
        yield ctx.error("JRC-Acquis file has no <body>", "text", "empty")
        return
    lines = []
    for el in body.iter("{*}head", "{*}p"):
        line = decode_pseudo_entities(collapse_ws("".join(el.itertext())))
        if line:
            lines.append(line)
    if not lines:
        yield ctx.error("JRC-Acquis file has an empty <body>", "body", "empty")
        return
    # EUR-Lex's page of the file's language (``legal-content/DE/``): it was always the English
    # one. A language EUR-Lex does not publish in, or none declared: the English page.
    page = lang.upper() if lang in EU_OFFICIAL else "EN"
    meta: dict[str, str] = {"paragraphs": str(len(lines))}
    if celex:
        meta["celex"] = celex
    if eurovoc:
        meta["eurovoc"] = " ".join(e for e in eurovoc if e)
    if retrieved:
        meta["downloaded"] = retrieved
    if unrecognised:
        meta["declared_lang_unrecognised"] = unrecognised
    yield ctx.doc(
        "\n".join(lines),
        position=f"doc {celex or '-'}",
        declared_lang=lang,
        doc_ref=celex,
        title=title,
        url=f"https://eur-lex.europa.eu/legal-content/{page}/TXT/?uri=CELEX:{celex}" if celex else None,
        metadata=meta,
        **eu_provenance(ctx, PUBLISHER),
    )
