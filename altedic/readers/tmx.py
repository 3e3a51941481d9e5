"""TMX 1.4b translation memories as distributed by DGT-TM and ELRC.

Reference: LISA, *TMX 1.4b Specification* (2004; https://www.gala-global.org/tmx-14b).

Reading is streaming with flat memory: libxml2's ``iterparse`` over ``<tu>`` elements, each
element cleared (and its already-read siblings deleted) as soon as it is turned into a record.
If the file is not well-formed somewhere, reading switches to *recovery at TU granularity*: the
file is re-read as text, cut into ``<tu>...</tu>`` chunks, and each chunk is parsed on its own,
so one broken unit gives one :class:`ReadError` (``tu 17 (line 2301)``) and the others are
kept. Units already emitted before the error are not emitted twice: units are numbered as the
streaming pass numbers them, so a ``<tu>`` in a comment, CDATA section or processing
instruction is not counted.

Handled: UTF-16 with or without BOM (DGT-TM files are UTF-16LE with BOM and CRLF), UTF-8; the
old ``lang`` attribute and ``xml:lang``; locale-like codes (``EN-GB``, ``BG-01``) normalised by
:func:`altedic.langid.codes.normalise_lang`; any number of languages per unit; inline markup:
``bpt``/``ept``/``ph``/``it``/``ut`` hold *native codes* of the original format and are dropped
with their content, ``sub`` (sub-flow text of such a code, e.g. a footnote) is dropped too;
``hi`` only *marks* a stretch of segment text, so its tag is dropped and its text kept (TMX
1.4b section 3.7.7).

Output of :func:`read_tmx`: one monolingual document per language per source document, the
segments in file order, one per line; source documents are the runs of consecutive units with
the same ``<prop type="Txt::Doc. No.">`` (DGT-TM) or the whole file when units have none. Only
one run is held in memory at a time. :func:`iter_tmx_pairs` gives the aligned segment pairs for
the parallel dataset (``OUT/parallel/``).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from altedic.errors import InputError
from altedic.langid.codes import normalise_lang
from altedic.readers.base import ReadContext
from altedic.readers.legal import eu_provenance, option
from altedic.readers.text import encoding_problem, text_encoding
from altedic.readers.xmlsafe import XML_LANG, Element, collapse_ws, local, parse_xml_fragment, safe_iterparse
from altedic.records import Document, ReadError

#: Inline elements whose content is native code, not text (TMX 1.4b section 3.7).
CODE_ELEMENTS = frozenset({"bpt", "ept", "ph", "it", "ut", "sub"})
#: The DGT-TM property that names the source document (CELEX number).
DOC_PROP = "Txt::Doc. No."
DGT_PUBLISHER = "European Commission, Directorate-General for Translation"

#: What the recovery looks for: a unit's start or end tag, or the start of a comment, CDATA
#: section or processing instruction, whose content is skipped to its end (a ``<tu>`` written
#: in a comment is not a unit: counting it numbered the units wrongly, and the unit that the
#: streaming pass had already emitted came a second time).
_SCAN = re.compile(r"<tu[\s>/]|</tu\s*>|<!--|<!\[CDATA\[|<\?")
_SKIP_TO = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>"}
_CHUNK = 1 << 20


@dataclass
class TU:
    """One translation unit: its 1-based number in the file, properties and (lang, text) pairs."""

    number: int
    line: int
    props: dict[str, str] = field(default_factory=dict)
    segs: list[tuple[str, str]] = field(default_factory=list)
    unknown_langs: list[str] = field(default_factory=list)


def _seg_text(seg: Element) -> str:
    parts: list[str] = [seg.text or ""]

    def walk(el: Element) -> None:
        for child in el:
            name = local(child.tag)
            if name and name not in CODE_ELEMENTS:
                parts.append(child.text or "")
                walk(child)
            parts.append(child.tail or "")

    walk(seg)
    return collapse_ws("".join(parts))


def tu_record(el: Element, number: int, line: int) -> TU:
    """Turn a parsed ``<tu>`` into a :class:`TU` (languages normalised, inline codes dropped)."""
    tu = TU(number, line)
    for child in el:
        name = local(child.tag)
        if name == "prop" and child.get("type"):
            tu.props[child.get("type", "")] = (child.text or "").strip()
        elif name == "tuv":
            raw = child.get(XML_LANG) or child.get("lang") or ""
            lang = normalise_lang(raw)
            seg = next((s for s in child if local(s.tag) == "seg"), None)
            if seg is None:
                continue
            text = _seg_text(seg)
            if not text:
                continue
            if lang is None:
                tu.unknown_langs.append(raw)
                continue
            tu.segs.append((lang, text))
    return tu


def _sniff_encoding(head: bytes) -> tuple[str, int, str]:
    """Codec name, BOM length and what is wrong with the declared encoding ("" if nothing).

    From the first bytes: BOM, UTF-16 without BOM, else the XML declaration. A declared name
    that is not a text encoding (``hex``, ``base64``, ``undefined``...: see
    :func:`altedic.readers.text.text_encoding`) or that the declaration itself contradicts
    (``UTF-16`` or ``cp037`` in a declaration written in ASCII bytes: the file is in an
    ASCII-compatible encoding) cannot be the file's: the file is then read as UTF-8, XML's
    default, and the problem is reported. A unit with bytes that are not UTF-8 is still an
    encoding error of its own (U+FFFD check in :func:`_recover`), so nothing is garbled silently.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3, ""
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2, ""
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2, ""
    if head.startswith(b"<\x00"):
        return "utf-16-le", 0, ""
    if head.startswith(b"\x00<"):
        return "utf-16-be", 0, ""
    m = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", head)
    if m is None:
        return "utf-8", 0, ""
    declared = m.group(1).decode("ascii")
    name = text_encoding(declared)
    # Only the declaration's ASCII bytes tell whether the declared encoding reads them as
    # written: a non-ASCII byte in it (a no-break space between its attributes, which XML does not
    # allow; the file is then recovered here) raised UnicodeDecodeError and lost every unit.
    decl = bytes(b for b in m.group(0) if b < 0x80)
    if name is None:
        problem = f"the XML declaration's encoding {encoding_problem(declared)}"
    elif decl.decode(name, errors="replace") != decl.decode("ascii"):
        problem = (
            f"the XML declaration names encoding {declared!r}, but it is itself written in an "
            "ASCII-compatible encoding (such as UTF-8), which that encoding is not"
        )
    else:
        return name, 0, ""
    return "utf-8", 0, f"{problem}; the file was read as UTF-8 (fix the declaration if that is wrong)"


def _clear(el: Element) -> None:
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def iter_tus(ctx: ReadContext, header: dict[str, str] | None = None) -> Iterator[TU | ReadError]:
    """Every translation unit of the file in order, or a ReadError for each broken one.

    ``header`` (if given) is filled with the ``<header>`` attributes. Raises InputError when the
    whole file is refused (entity declarations) or has no unit at all and is not well-formed.
    """
    hdr = header if header is not None else {}
    done = 0
    try:
        with ctx.open() as f:
            for el in safe_iterparse(f, ctx.uri, tag=("header", "tu"), what="TMX file"):
                if el.tag == "header":
                    hdr.update({k: v for k, v in el.attrib.items() if isinstance(k, str)})
                    continue
                done += 1
                yield tu_record(el, done, el.sourceline or 0)
                _clear(el)
    except InputError as exc:
        if exc.message.startswith("TMX file refused") or "refused" in exc.message:
            raise
        yield from _recover(ctx, done, exc, hdr)


def _recover(ctx: ReadContext, skip: int, first: InputError, hdr: dict[str, str]) -> Iterator[TU | ReadError]:
    """Re-read the file as text and parse it unit by unit (see module docstring)."""
    with ctx.open() as f:
        head = f.read(4096)
        codec, bom, problem = _sniff_encoding(head)
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        line = 1

        def decode(chunk: bytes, final: bool = False) -> str:
            # errors="replace" marks bad bytes with U+FFFD (an error per unit, below); a decoder
            # that fails all the same ends the file with an error at the line reached
            try:
                return decoder.decode(chunk, final=final)
            except UnicodeError as exc:
                raise InputError(
                    f"the rest of the file cannot be decoded as {codec}: {exc}", uri=ctx.uri, position=f"line {line}"
                ) from None

        buf = decode(head[bom:])
        if re.search(r"<!ENTITY", buf[: buf.find("<tmx") if "<tmx" in buf else len(buf)]):
            raise InputError("TMX file refused: it declares XML entities", uri=ctx.uri, position="line 1 (DOCTYPE)")
        if not hdr:
            m = re.search(r"<header\b[^>]*>", buf)
            if m:
                try:
                    h = parse_xml_fragment(m.group(0).rstrip("/>").rstrip(">") + "/>", ctx.uri, "header", 1)
                    hdr.update({k: v for k, v in h.attrib.items() if isinstance(k, str)})
                except InputError:
                    pass  # a broken header is reported below with the file's first syntax error
        number = 0
        errors = 0
        eof = False
        if problem:
            errors += 1
            yield ctx.error(problem, "line 1 (XML declaration)", "encoding")

        pos = 0  # where the scan goes on in buf
        lpos = 0  # buf[lpos] is on line `line`
        unclosed: tuple[str, int] | None = None  # a comment, CDATA section or PI the file ends in, its line

        def more() -> bool:
            chunk = f.read(_CHUNK)
            nonlocal buf
            buf += decode(chunk, final=not chunk)
            return not chunk

        def drop(upto: int) -> int:
            """Forget buf[:upto] (scanned, nothing in it needed any more); return upto."""
            nonlocal buf, line, lpos
            line += buf.count("\n", lpos, upto)
            buf, lpos = buf[upto:], 0
            return upto

        def scan(start: int, trim: bool) -> re.Match[str] | None:
            """The next ``<tu`` or ``</tu>`` tag from ``start`` on outside comments, CDATA sections
            and processing instructions, reading more of the file as needed (and, if ``trim``,
            forgetting what was scanned); None at the end of the file."""
            nonlocal eof
            while True:
                m = _SCAN.search(buf, start)
                if m is None:
                    if eof:
                        return None
                    start = max(start, len(buf) - 16)  # a tag may be split across two reads
                    if trim:
                        start -= drop(start)
                    eof = more()
                    continue
                close = _SKIP_TO.get(m.group())
                if close is None:
                    return m
                look = m.end()
                while (found := buf.find(close, look)) < 0 and not eof:
                    look = max(look, len(buf) - len(close) + 1)
                    eof = more()
                if found < 0:
                    # as in XML, the rest of the file is inside it: reported, never read as units
                    nonlocal unclosed
                    unclosed = (m.group(), line + buf.count("\n", lpos, m.start()))
                    return None
                start = found + len(close)

        while (m := scan(pos, True)) is not None:
            if m.group().startswith("</"):
                pos = m.end()  # the end tag of a unit reported as not closed
                continue
            line += buf.count("\n", lpos, m.start())
            lpos = m.start()
            number += 1
            nxt = scan(m.end(), False)  # this unit's end tag, or the next unit's start
            if nxt is not None and nxt.group().startswith("</"):
                pos = nxt.end()
                text = buf[m.start() : pos]
                if number <= skip:
                    pass
                elif "\ufffd" in text:
                    errors += 1
                    yield ctx.error(
                        f"translation unit {number} has bytes that are invalid in {codec}",
                        f"tu {number}, line {line}",
                        "encoding",
                    )
                else:
                    try:
                        el = parse_xml_fragment(text, ctx.uri, f"tu {number}", line, "TMX translation unit")
                    except InputError as exc:
                        errors += 1
                        yield ctx.error(exc.message, exc.position, "xml")
                    else:
                        yield tu_record(el, number, line)
            else:
                pos = nxt.start() if nxt is not None else len(buf)
                if number > skip:
                    errors += 1
                    what = (
                        "is not closed before the next <tu>"
                        if nxt is not None
                        else "is cut off: the file ends inside it (truncated file)"
                    )
                    yield ctx.error(f"translation unit {number} {what}", f"tu {number}, line {line}", "xml")
            if pos > _CHUNK:
                pos -= drop(pos)  # keep memory flat: what is before pos is done
        if unclosed is not None:
            errors += 1
            opener, at = unclosed
            yield ctx.error(
                f"the file ends inside the {opener} opened here (truncated file?): nothing after it was read",
                f"line {at}",
                "xml",
            )
    if errors == 0:
        yield ctx.error(
            f"{first.message} ({number} translation units were read one by one and kept)", first.position, "xml"
        )


def _provenance(ctx: ReadContext, hdr: dict[str, str]) -> dict[str, Any]:
    if hdr.get("o-tmf", "").lower() == "euramis" or ctx.options.get("eu", False):
        return eu_provenance(ctx, DGT_PUBLISHER)
    return {}


def read_tmx(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """Monolingual documents from a TMX file (see module docstring).

    Options: ``pairs: true`` asks the pipeline to also write :func:`iter_tmx_pairs` to
    ``OUT/parallel/`` (this function ignores it); ``eu: true`` applies the EU reuse-policy
    defaults to a TMX that is not a DGT (Euramis) export.
    """
    hdr: dict[str, str] = {}
    group_key: str | None = None
    group: dict[str, list[str]] = {}
    first_tu = 0
    seen: dict[str, int] = {}
    unknown: set[str] = set()

    def emit() -> Iterator[Document]:
        if not group:
            return
        key = group_key or ""
        seen[key] = seen.get(key, 0) + 1
        run = f" run {seen[key]}" if seen[key] > 1 else ""
        prov = _provenance(ctx, hdr)
        for lang in sorted(group):
            segs = group[lang]
            meta = {"segments": str(len(segs)), "first_tu": str(first_tu)}
            if hdr.get("srclang"):
                meta["tmx_srclang"] = hdr["srclang"]
            if hdr.get("creationtool"):
                meta["tmx_tool"] = hdr["creationtool"]
            yield ctx.doc(
                "\n".join(segs),
                position=f"doc {key or '-'}{run} lang {lang}",
                declared_lang=lang,
                doc_ref=group_key,
                metadata=meta,
                **prov,
            )

    for item in iter_tus(ctx, hdr):
        if isinstance(item, ReadError):
            yield item
            continue
        key = item.props.get(DOC_PROP) or None
        if key != group_key or not group:
            yield from emit()
            group = {}
            group_key = key
            first_tu = item.number
        for lang, text in item.segs:
            group.setdefault(lang, []).append(text)
        for raw in item.unknown_langs:
            if raw not in unknown:
                unknown.add(raw)
                yield ctx.error(
                    f"unknown language code '{raw}' in <tuv> (its segments are skipped)",
                    f"tu {item.number}",
                    "language",
                )
    yield from emit()


def iter_tmx_pairs(ctx: ReadContext) -> Iterator[dict[str, str] | ReadError]:
    """Aligned segment pairs for the parallel dataset, one dict per pair per unit.

    Keys: ``doc_ref`` (``Txt::Doc. No.`` or ""), ``lang1``, ``text1``, ``lang2``, ``text2``,
    ``position`` (``tu N``). Pairs: by default every language against the pivot, the header's
    ``srclang`` (``EN-GB`` -> ``en``; 22 pairs per 23-language DGT unit); option
    ``pairs_mode: all`` gives every unordered language pair (253 per DGT unit), and
    ``pivot: <code>`` sets another pivot. ``lang1`` is the pivot (or the smaller code for
    ``all``). Broken units come as ReadError (the same ones :func:`read_tmx` reports).
    """
    mode = option(ctx, "pairs_mode", ("pivot", "all"))
    hdr: dict[str, str] = {}
    for item in iter_tus(ctx, hdr):
        if isinstance(item, ReadError):
            yield item
            continue
        ref = item.props.get(DOC_PROP, "")
        segs: dict[str, str] = {}  # one text per language (the first, if a unit repeats one)
        for lang, text in item.segs:
            segs.setdefault(lang, text)
        if mode == "all":
            for a, b in combinations(sorted(segs), 2):
                yield {
                    "doc_ref": ref,
                    "lang1": a,
                    "text1": segs[a],
                    "lang2": b,
                    "text2": segs[b],
                    "position": f"tu {item.number}",
                }
            continue
        pivot = normalise_lang(str(ctx.options.get("pivot") or hdr.get("srclang") or "en"))
        if pivot not in segs:
            continue
        for lang in sorted(segs):
            if lang != pivot:
                yield {
                    "doc_ref": ref,
                    "lang1": pivot,
                    "text1": segs[pivot],
                    "lang2": lang,
                    "text2": segs[lang],
                    "position": f"tu {item.number}",
                }


__all__ = ["TU", "iter_tmx_pairs", "iter_tus", "read_tmx", "tu_record"]
