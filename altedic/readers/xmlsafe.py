"""Safe XML and HTML parsing for every reader: no external entities, no DTD loading, no network.

Policy (the same for every format, see docs/formats.md):

* libxml2 is asked never to load a DTD (``load_dtd=False``), never to touch the network
  (``no_network=True``) and never to substitute entities (``resolve_entities=False``), so an
  external entity such as ``<!ENTITY x SYSTEM "file:///etc/passwd">`` is never read.
* A document whose internal DTD subset *declares* entities is refused with an
  :class:`~altedic.errors.InputError` (kind ``xml-entities``). None of the EU formats read here
  (Formex 4, AKN, TMX, JRC-Acquis TEI, Cellar notices) declares entities in the document, and
  entity declarations are the vector of both the "billion laughs" expansion bomb and external
  entity (XXE) disclosure. This is defusedxml's ``forbid_entities`` policy.
* ``huge_tree=False`` keeps libxml2's own hard limits (text nodes up to 10 MB, tree depth 256,
  entity amplification factor): a hostile file fails fast with a clear message, never hangs.
* Every syntax error becomes an InputError naming the file and ``line L, column C``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import IO, Any, TypeAlias

from lxml import etree
from lxml import html as lxml_html

from altedic.errors import InputError

#: lxml ships no type stubs (mypy sees it as Any): one alias documents what is meant.
Element: TypeAlias = Any

#: Kinds used in ReadError/InputError records produced by the XML layer.
KIND_XML = "xml"
KIND_ENTITIES = "xml-entities"
KIND_ENCODING = "encoding"


def xml_parser(*, recover: bool = False) -> etree.XMLParser:
    """A new libxml2 parser with the safe options above (parsers are not shared across threads)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        recover=recover,
    )


def _syntax_error(exc: etree.XMLSyntaxError, uri: str, what: str) -> InputError:
    """Translate a libxml2 error into a message a person understands (with line and column)."""
    line, col = exc.position if exc.position else (exc.lineno or 0, 0)
    raw = str(exc.msg or exc).split(", line ")[0]
    low = raw.lower()
    if "amplification" in low or "entity loop" in low or ("entities" in low and "exceed" in low):
        msg = (
            f"{what} refused: entity expansion bomb ('billion laughs'): the document declares "
            f"nested entities that would expand beyond libxml2's safety limit ({raw})"
        )
    elif "not proper utf-8" in low or "encoding" in low or "invalid char" in low or "char 0x" in low:
        msg = f"{what} has invalid bytes for its declared encoding: {raw}"
    elif "premature end" in low or ("extra content" in low and line == 0) or "eof" in low:
        msg = f"{what} is truncated or not well-formed (the file ends inside an element): {raw}"
    elif "not defined" in low and "entity" in low:
        msg = f"{what} uses an undefined entity (DTDs are never loaded, by design): {raw}"
    else:
        msg = f"{what} is not well-formed: {raw}"
    return InputError(msg, uri=uri, position=f"line {line}, column {col}")


def check_no_entities(tree: Any, uri: str, what: str = "XML document") -> None:
    """Refuse a document whose internal DTD subset declares entities (see module docstring)."""
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    declared = list(dtd.iterentities())
    if not declared:
        return
    external = [e.name for e in declared if e.system_url]
    if external:
        msg = (
            f"{what} refused: it declares external entities ({', '.join(external[:5])}) that point "
            "outside the document; they are never loaded"
        )
    else:
        msg = (
            f"{what} refused: it declares {len(declared)} entities in its DTD (possible entity "
            "expansion bomb); documents with entity declarations are not read"
        )
    raise InputError(msg, uri=uri, position="line 1 (DOCTYPE)")


def parse_xml(data: bytes, uri: str, what: str = "XML document") -> Element:
    """Parse a whole XML document safely and return its root element.

    Raises InputError (with ``line L, column C``) for a syntax or encoding error, a truncated
    file, an entity bomb or any entity declaration. ``data`` is bytes so that the document's
    own encoding declaration (or BOM: UTF-8/UTF-16) decides the decoding.
    """
    if not data.strip():
        raise InputError(f"{what} is empty", uri=uri, position="byte 0")
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, uri, what) from exc
    check_no_entities(root.getroottree(), uri, what)
    return root


def parse_xml_fragment(text: str, uri: str, unit: str, first_line: int = 1, what: str = "XML fragment") -> Element:
    """Parse a small well-formed fragment given as text (one TMX ``<tu>``...); same safety rules.

    ``first_line`` is the fragment's first line in the file, so that errors say ``<unit>, line
    L, column C`` with L counted in the whole file.
    """
    try:
        root = etree.fromstring(text, xml_parser())
    except etree.XMLSyntaxError as exc:
        err = _syntax_error(exc, uri, what)
        line, col = exc.position if exc.position else (1, 0)
        raise InputError(err.message, uri=uri, position=f"{unit}, line {first_line + line - 1}, column {col}") from exc
    return root


def safe_iterparse(
    stream: IO[bytes], uri: str, tag: str | tuple[str, ...] | None = None, what: str = "XML document"
) -> Iterator[Element]:
    """Stream ``end`` events (optionally only of ``tag``) with the safe options.

    The caller must clear each element once used (``el.clear()`` and delete preceding siblings)
    to keep memory flat. Entity declarations are refused at the first event. Syntax errors
    become InputError with line and column.
    """
    context = etree.iterparse(
        stream,
        events=("start", "end"),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    try:
        for event, el in context:
            if not checked:
                check_no_entities(el.getroottree(), uri, what)
                checked = True
            if event == "end":
                yield el
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, uri, what) from exc


_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9._-]+)""", re.I)

#: Declared charset labels libxml2 does not know (or must not be given), as browsers read them
#: (WHATWG Encoding Standard labels; HTML's rule that a ``<meta>`` declaring UTF-16 or
#: x-user-defined means UTF-8 or Windows-1252, since the declaration itself was found as ASCII).
#: ``charset=unicode`` is what Word writes for its "Web Page (Unicode)" output; utf8mb4/utf8mb3
#: are MySQL's names of UTF-8.
_CHARSET_LABELS = {
    **dict.fromkeys(
        (
            "unicode",
            "csunicode",
            "ucs-2",
            "iso-10646-ucs-2",
            "unicodefeff",
            "unicodefffe",
            "utf-16",
            "utf-16le",
            "utf-16be",
        ),
        "utf-8",
    ),
    **dict.fromkeys(("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"), "utf-8"),
    **dict.fromkeys(("utf8mb4", "utf8mb3"), "utf-8"),
    "x-user-defined": "windows-1252",
    **dict.fromkeys(("x-mac-roman", "mac", "csmacintosh"), "macintosh"),
    **{f"x-cp125{i}": f"windows-125{i}" for i in range(9)},
}


def _undeclared_encoding(data: bytes) -> str:
    """UTF-8 if the bytes decode as UTF-8, else Windows-1252 (the WHATWG default for undeclared
    legacy pages)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


@functools.lru_cache(maxsize=64)
def _libxml2_knows(encoding: str) -> bool:
    try:
        lxml_html.HTMLParser(encoding=encoding)
    except LookupError:
        return False
    return True


def _declared_label(data: bytes) -> str | None:
    """The charset a page declares in its first 2 KB, as libxml2 will be given it (read as browsers
    read it, :data:`_CHARSET_LABELS`), or None (no declaration, or a label libxml2 does not know)."""
    m = _CHARSET.search(data[:2048])
    if m:
        label = m.group(1).decode("ascii").lower()
        label = _CHARSET_LABELS.get(label, label)
        if _libxml2_knows(label):
            return label
    return None


@functools.lru_cache(maxsize=64)
def _single_byte(encoding: str) -> bool:
    """True for a single-byte legacy encoding Python knows (ISO 8859, Windows-125x, KOI8...)."""
    try:
        return len(bytes(range(256)).decode(encoding, errors="replace")) == 256 and len("a".encode(encoding)) == 1
    except LookupError:
        return False


def html_decoding(data: bytes, uri: str = "", override: str | None = None) -> tuple[bytes, str, str | None]:
    """The bytes and encoding to parse an HTML page in, and a note for ``metadata.encoding_note``
    (or None). InputError (an encoding problem, with its byte) when the page cannot be read right.

    :func:`html_encoding` (BOM, declaration, else sniffed), then three checks of the bytes against
    it, so that no page is garbled silently:

    * bytes that look like UTF-16 without a byte-order mark (read as UTF-8, every other byte was
      NUL and the page had "no text paragraphs"): InputError, set ``options.encoding``;
    * a page declared UTF-8 (or with a UTF-8 byte-order mark) whose bytes are not UTF-8: if none
      of its non-ASCII bytes form UTF-8, the page is in a legacy encoding that no byte says
      (Windows-1252? ISO 8859-2?): InputError, set ``options.encoding``; if some do, it is UTF-8
      with stray bytes, read as browsers read it (each bad sequence U+FFFD) and counted in the
      note. An undeclared page is read the same way, except that one with no UTF-8 at all is
      Windows-1252, the WHATWG default (before, one stray byte made a whole UTF-8 page
      Windows-1252: mojibake in every accented letter);
    * a page declared in a single-byte legacy encoding whose bytes are valid UTF-8 with non-ASCII
      characters (a UTF-8 page with a stale ``charset=iso-8859-1``): read as UTF-8 (the legacy
      reading would be mojibake, ``Ã©`` for ``é``), said in the note.

    ``override`` (``options.encoding``, a Python codec name) beats the page's declaration; only a
    byte-order mark beats it (as in the text readers). The page is then decoded here (an InputError at the first byte that is
    not in that encoding) and handed to libxml2 as UTF-8, whose names of encodings differ from
    Python's (``utf-16-le``, ``latin-1``, ``mac-roman`` are unknown to it).
    """
    from altedic.readers.text import decode_bytes, looks_like_utf16

    if override is not None:
        return decode_bytes(data, uri, override).encode("utf-8"), "utf-8", None
    bom = data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    declared = None if bom else _declared_label(data)
    if not bom and b"\0" in data[:4096] and (guess := looks_like_utf16(data)):
        raise InputError(
            f"UTF-16 text without a byte-order mark; set options.encoding: {guess}", uri=uri, position="byte 0"
        )
    encoding = html_encoding(data)
    if encoding == "utf-8" or (declared is None and not bom):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            first = exc.start
        else:
            return data, "utf-8", None
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.count("\ufffd".encode())
        if not any(ch > "\x7f" and ch != "\ufffd" for ch in text):
            if declared is None and not bom:
                return data, encoding, None  # an undeclared legacy page: Windows-1252, as browsers read it
            said = "its byte-order mark says so" if bom else f"it declares charset={declared}"
            raise InputError(
                f"not UTF-8, though {said}: byte 0x{data[first]:02x} at byte {first}, and none of its "
                f"non-ASCII bytes form UTF-8 ({bad} invalid sequences): the page is in a legacy encoding; "
                "set options.encoding to it (windows-1252, iso-8859-2...)",
                uri=uri,
                position=f"byte {first}",
            )
        seqs = "sequence" if bad == 1 else "sequences"
        return data, "utf-8", f"{bad} invalid UTF-8 {seqs} read as U+FFFD (first at byte {first})"
    if declared is not None and _single_byte(encoding) and not data.isascii():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return data, encoding, None
        n = sum(1 for ch in text if ch > "\x7f")
        return (
            data,
            "utf-8",
            f"read as UTF-8: it declares charset={declared}, but its {n} non-ASCII characters are valid UTF-8",
        )
    return data, encoding, None


def html_encoding(data: bytes) -> str:
    """Encoding of an HTML document: BOM, else ``charset``/``encoding`` in the first 2 KB,
    else UTF-8 if the bytes decode as UTF-8, else Windows-1252 (the WHATWG default for
    undeclared legacy pages). libxml2's own default (ISO-8859-1) would garble UTF-8 pages.

    A declared label is read as browsers read it (:data:`_CHARSET_LABELS`); a label libxml2
    does not know (``x-bogus``, ``hex``) is ignored, as browsers ignore it, and the undeclared
    default applies: building the parser with it raised LookupError and stopped the run.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    label = _declared_label(data)
    return label if label is not None else _undeclared_encoding(data)


def parse_html(data: bytes, uri: str, what: str = "HTML document", encoding: str | None = None) -> Element:
    """Parse (X)HTML with libxml2's HTML parser: no DTD, no network; comments, PIs, scripts, style
    sheets, ``noscript`` fallbacks and templates removed. ``encoding``: as :func:`html_decoding`
    chose it (default: :func:`html_encoding`)."""
    if not data.strip():
        raise InputError(f"{what} is empty", uri=uri, position="byte 0")
    parser = lxml_html.HTMLParser(
        encoding=encoding or html_encoding(data),
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
        default_doctype=False,
    )
    try:
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, LookupError) as exc:
        raise InputError(f"{what} cannot be parsed: {exc}", uri=uri, position="byte 0") from exc
    # The HTML parser recovers from everything but its resource limits, where it simply stops:
    # what it returns is then silently cut (300 unclosed <div>s kept 253 of 350 paragraphs; a
    # text node over 10 MB lost the rest of the page). Refused, like the XML readers do.
    for e in parser.error_log:
        if e.type_name == "ERR_RESOURCE_LIMIT":
            detail = e.message.strip()
            if "depth" in detail.lower():
                msg = (
                    f"{what} is nested deeper than libxml2's limit of 256 elements ({detail}); refused rather "
                    "than cut off where the limit was hit"
                )
            else:
                msg = f"{what} exceeds a libxml2 safety limit ({detail}); refused rather than cut off where it was hit"
            raise InputError(msg, uri=uri, position=f"line {e.line}, column {e.column}")
    # What a browser does not show as text: scripts, style sheets, inert templates and the
    # fallback a page shows only without scripts ("please enable JavaScript"). libxml2 keeps their
    # content as text nodes, so a <script> inside a paragraph would read as part of the sentence.
    # The text after each of them (its tail) is kept.
    etree.strip_elements(root, *_NOT_TEXT, with_tail=False)
    return root


# HTML elements whose content is never the page's text (see parse_html)
_NOT_TEXT = ("script", "style", "noscript", "template")


#: ``xml:lang`` and ``xml:id`` as lxml names them (the ``xml`` prefix is bound to this namespace)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def local(tag: object) -> str:
    """Local name of an element tag (``{ns}name`` -> ``name``); "" for comments, PIs, entities."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


_WS = re.compile(r"[ \t\r\n\f\v]+")


def collapse_ws(text: str) -> str:
    """Collapse runs of XML whitespace (space, tab, CR, LF) to one space and strip the ends.

    No-break spaces (U+00A0, U+202F) are *kept*: in the Official Journal they bind a number to
    its unit (``100 %``) or a title to its number (``Article 1``) and are part of the text.
    """
    return _WS.sub(" ", text).strip(" \t\r\n")


def line_of(data: bytes | str, offset: int) -> int:
    """1-based line number of ``offset`` in ``data`` (for error positions)."""
    if isinstance(data, bytes):
        return data.count(b"\n", 0, offset) + 1
    return data.count("\n", 0, offset) + 1


__all__ = [
    "XML_ID",
    "XML_LANG",
    "Element",
    "check_no_entities",
    "collapse_ws",
    "html_decoding",
    "line_of",
    "local",
    "parse_html",
    "parse_xml",
    "parse_xml_fragment",
    "safe_iterparse",
    "xml_parser",
]
