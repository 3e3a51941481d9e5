"""DCAT-AP catalogues: parse, check, and expand into one :class:`SourceSpec` per distribution.

A recipe source with ``format: dcat`` names catalogue files (JSON-LD, Turtle, RDF/XML,
N-Triples). :func:`expand_catalogue` parses them with rdflib (JSON-LD through pyld, with an
offline document loader), walks ``dcat:Catalog`` -> ``dcat:Dataset`` -> ``dcat:Distribution``
and turns every distribution it can read into a child source:

* **files**: the distribution's ``dcat:downloadURL`` (else ``dcat:accessURL``) mapped to local
  paths by the source's ``options.mirror`` (URL prefix -> local path; the longest prefix wins;
  relative local paths resolve against the source root). The pipeline never fetches: an
  unmapped URL is a warning and the distribution is skipped. A URL names exactly one file (or
  one mirrored directory, read whole): ``*``, ``?`` and ``[`` in it are characters of that name,
  never wildcards, so that a distribution can never pull in another dataset's files under its
  own licence.
* **reader**: ``options.formats`` (raw format or media type -> reader name) first, then
  ``dct:format`` (EU file-type authority table, or a label), then ``dcat:mediaType`` (IANA), then
  the file extension. Ambiguous formats (generic XML, HTML) need ``options.formats``.
* **provenance**: licence (distribution, else dataset, else catalogue, else the recipe source;
  a licence document's ``skos:exactMatch``/``owl:sameAs``/identifier/labels are tried so that a
  local licence IRI equivalent to CC0 is recognised), ``dct:rights``, ``dct:accessRights``,
  ``odrl:hasPolicy``, publisher, ``dct:language``, title, identifier, issued/modified, landing
  page: on the child spec and in its ``metadata`` (stamped on every document).

DCAT-AP 3.0.0 cardinality rules (https://semiceu.github.io/DCAT-AP/releases/3.0.0/, the
"mandatory" and "max 1" properties of Catalogue, Dataset and Distribution) are checked and every
violation is a warning naming the record; nothing in a catalogue's content crashes the expansion.
A file that is not RDF at all, or a JSON-LD context that would have to be fetched, is a
ConfigError (the driver cannot know the sources).
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from altedic.errors import ConfigError
from altedic.readers.base import open_decompressed
from altedic.readers.guard import LONE_SURROGATE
from altedic.sources import SourceSpec

# rdflib is imported lazily (it is heavy and only the driver needs it).

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DC = "http://purl.org/dc/elements/1.1/"
ODRL = "http://www.w3.org/ns/odrl/2/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: Options of a ``format: dcat`` source (anything else in ``options`` is a ConfigError).
OPTION_KEYS: dict[str, str] = {
    "mirror": "mapping URL prefix -> local path (file or directory) where the distributions were mirrored",
    "formats": "mapping raw format (EU file-type code, IANA media type, label or extension) -> reader name",
    "default_format": "reader name for distributions that declare no format (no dct:format, mediaType or extension)",
    "reader_options": "mapping reader name -> options handed to that reader for every distribution it reads",
    "jsonld_contexts": "mapping JSON-LD context URL -> local file (the pipeline never fetches a context)",
    "rdf_format": "force the serialisation: json-ld, turtle, xml, nt (default: by extension, then by content)",
    "tdm_reservation": "true when the contributor knows of a text-and-data-mining opt-out for the whole catalogue",
    "max_decompressed_mb": "largest decompressed catalogue size accepted (MiB)",
}

#: EU file-type authority codes, IANA media types, labels and extensions -> reader names.
#: Generic XML and HTML are absent on purpose: which XML reader (formex, akn, jrc_acquis, tmx)
#: applies cannot be known from the format alone; map them with ``options.formats``.
FORMAT_READERS: dict[str, str] = {
    "csv": "csv",
    "text/csv": "csv",
    "tsv": "csv",
    "text/tab-separated-values": "csv",
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "json_lines": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-ndjson": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/jsonlines": "jsonl",
    "parquet": "parquet",
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
    "txt": "text",
    "text": "text",
    "text/plain": "text",
    "tmx": "tmx",
    "application/x-tmx+xml": "tmx",
    "fmx4": "formex",
    "fmx3": "formex",
    "formex": "formex",
    "akn": "akn",
    "akn4eu": "akn",
    "application/akn+xml": "akn",
    "zip": "zip",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
}

_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".txt": "text",
    ".tmx": "tmx",
    ".zip": "zip",
    ".fmx4": "formex",
}

#: EU language authority codes (ISO 639-2/T, some 639-3) -> ISO 639-1, for the languages the
#: project covers; other codes are kept lower-cased.
_EU_LANG: dict[str, str] = {
    "BUL": "bg",
    "CES": "cs",
    "DAN": "da",
    "DEU": "de",
    "ELL": "el",
    "ENG": "en",
    "EST": "et",
    "FIN": "fi",
    "FRA": "fr",
    "GLE": "ga",
    "HRV": "hr",
    "HUN": "hu",
    "ITA": "it",
    "LAV": "lv",
    "LIT": "lt",
    "MLT": "mt",
    "NLD": "nl",
    "POL": "pl",
    "POR": "pt",
    "RON": "ro",
    "SLK": "sk",
    "SLV": "sl",
    "SPA": "es",
    "SWE": "sv",
    "CAT": "ca",
    "EUS": "eu",
    "GLG": "gl",
    "CYM": "cy",
    "LTZ": "lb",
    "FRY": "fy",
    "NOR": "no",
    "NOB": "nb",
    "NNO": "nn",
    "ISL": "is",
    "SRP": "sr",
    "BOS": "bs",
    "MKD": "mk",
    "SQI": "sq",
    "TUR": "tr",
    "UKR": "uk",
    "RUS": "ru",
    "GSW": "gsw",
    "SME": "se",
    "BRE": "br",
    "COS": "co",
    "OCI": "oc",
    "SRD": "sc",
}


@dataclass
class Distribution:
    """One ``dcat:Distribution`` as read from the graph (IRIs as strings, blank nodes as None)."""

    iri: str | None
    key: str
    """Stable key inside its dataset (IRI local name, identifier, or a hash of its URLs)."""
    title: str | None = None
    formats: list[str] = field(default_factory=list)
    """Raw format values (dct:format label/code first, then dcat:mediaType)."""
    download_urls: list[str] = field(default_factory=list)
    access_urls: list[str] = field(default_factory=list)
    licence: str | None = None
    licence_evidence: str | None = None
    rights: str | None = None
    access_rights: str | None = None
    odrl: dict[str, Any] | None = None
    issued: str | None = None
    modified: str | None = None
    identifier: str | None = None
    languages: list[str] = field(default_factory=list)


@dataclass
class Dataset:
    """One ``dcat:Dataset`` with its catalogue's fields merged in (catalogue fields prefixed)."""

    iri: str | None
    key: str
    title: str | None = None
    description: str | None = None
    publisher: str | None = None
    languages: list[str] = field(default_factory=list)
    licence: str | None = None
    licence_evidence: str | None = None
    rights: str | None = None
    access_rights: str | None = None
    odrl: dict[str, Any] | None = None
    issued: str | None = None
    modified: str | None = None
    identifier: str | None = None
    landing_page: str | None = None
    catalogue: str | None = None
    catalogue_title: str | None = None
    catalogue_publisher: str | None = None
    catalogue_licence: str | None = None
    catalogue_licence_evidence: str | None = None
    distributions: list[Distribution] = field(default_factory=list)


@dataclass
class ParsedCatalogue:
    """All datasets of one catalogue file (sorted by key) and the DCAT-AP warnings."""

    uri: str
    datasets: list[Dataset]
    warnings: list[str]


# --------------------------------------------------------------------------------------------
# Reading the graph


def _detect_format(uri: str, head: bytes, forced: str | None) -> str:
    if forced:
        if forced not in {"json-ld", "turtle", "xml", "nt"}:
            raise ConfigError(
                f"rdf_format must be json-ld, turtle, xml or nt, not {forced!r}", key="options.rdf_format"
            )
        return forced
    name = re.sub(r"\.(gz|bz2|xz|zst)$", "", uri.lower())
    for ext, fmt in (
        (".jsonld", "json-ld"),
        (".json", "json-ld"),
        (".ttl", "turtle"),
        (".nt", "nt"),
        (".rdf", "xml"),
        (".xml", "xml"),
        (".owl", "xml"),
    ):
        if name.endswith(ext):
            return fmt
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if s[:1] in (b"{", b"["):
        return "json-ld"
    if s[:5] == b"<?xml" or s[:8].lower() == b"<rdf:rdf":
        return "xml"
    return "turtle"  # Turtle is a superset of N-Triples


def _jsonld_graph(data: bytes, uri: str, contexts: dict[str, str]) -> Any:
    """Parse JSON-LD with pyld and an offline loader, then build an rdflib Graph from the RDF dataset."""
    from pyld import jsonld
    from rdflib import BNode, Graph, Literal, URIRef

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except RecursionError as exc:
        raise ConfigError("not valid JSON-LD: arrays or objects nested too deeply to be read", file=uri) from exc
    except ValueError as exc:  # not UTF-8, not JSON, or an integer of more than 4300 digits
        raise ConfigError(f"not valid JSON-LD: {exc}", file=uri) from exc

    def loader(url: str, options: Any = None) -> dict[str, Any]:
        local = contexts.get(url)
        if local is None:
            raise ConfigError(
                f"the JSON-LD context {url} is remote and the pipeline never fetches; download it once and map it "
                f"with options.jsonld_contexts: {{'{url}': 'path/to/context.jsonld'}}",
                file=uri,
            )
        with open(local, "rb") as f:
            return {"contextUrl": None, "documentUrl": url, "document": json.loads(f.read().decode("utf-8-sig"))}

    try:
        dataset = jsonld.to_rdf(doc, {"documentLoader": loader, "base": uri})
    except jsonld.JsonLdError as exc:
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, ConfigError):
                raise cause from exc
            cause = getattr(cause, "cause", None) or cause.__cause__
        raise ConfigError(f"JSON-LD cannot be processed: {exc}", file=uri) from exc
    except RecursionError as exc:  # pyld expands (and copies) nested objects recursively
        raise ConfigError("JSON-LD cannot be processed: objects nested too deeply", file=uri) from exc

    g = Graph()

    def term(t: dict[str, Any]) -> Any:
        if t["type"] == "IRI":
            return URIRef(t["value"])
        if t["type"] == "blank node":
            return BNode(t["value"].removeprefix("_:"))
        if t.get("language"):
            try:
                return Literal(t["value"], lang=t["language"])
            except ValueError as exc:
                # rdflib accepts only BCP 47 tags ("en", "en-US"); Turtle's parser refuses the
                # same file ("not valid RDF"), so this is the same catalogue error, not a crash
                # in the middle of the run.
                raise ConfigError(
                    f"not valid JSON-LD: the @language {t['language']!r} of the value {t['value'][:60]!r} is "
                    "not a language tag (BCP 47: 'en', 'en-US'; not 'en_US')",
                    file=uri,
                ) from exc
        dt = t.get("datatype")
        if dt and dt != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(t["value"], datatype=URIRef(dt))
        return Literal(t["value"])

    for triples in dataset.values():
        for tr in triples:
            g.add((term(tr["subject"]), term(tr["predicate"]), term(tr["object"])))
    return g


def _valid_unicode(text: str) -> str:
    """``text`` with UTF-16 surrogate pairs joined into their character and each lone surrogate
    (half of a pair: not a Unicode character, no UTF-8 form) replaced by U+FFFD."""
    if not LONE_SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _without_surrogates(g: Any, warnings: list[str]) -> None:
    """Replace, in place, every IRI, blank-node label and literal of ``g`` holding a surrogate.

    An escape such as Turtle's ``\\uD83D`` or JSON's ``"\\ud83d"`` (an emoji cut in half) is
    accepted by the parsers and gives a lone surrogate, which has no UTF-8 form: stamped on every
    document as metadata it stopped the run at the Parquet writer. Catalogue values are
    descriptive (titles, names, labels), so the character is read as U+FFFD, as a browser shows
    it, with one warning per value, rather than refusing every dataset of the catalogue for one
    title. A licence or URL so changed is no longer a known licence or an existing file: the
    distribution is then refused or not read, with the usual reason, never read under a wrong
    licence. A pair written as two escapes (Turtle ``\\uD83D\\uDE00``, which rdflib keeps as two
    surrogates) is joined into its character.
    """
    from rdflib import BNode, Literal, URIRef

    def fixed(t: Any) -> Any:
        if isinstance(t, Literal):
            return Literal(_valid_unicode(str(t)), lang=t.language, datatype=t.datatype)
        return (BNode if isinstance(t, BNode) else URIRef)(_valid_unicode(str(t)))

    bad = [tr for tr in g if any(LONE_SURROGATE.search(str(t)) for t in tr)]
    for tr in bad:
        g.remove(tr)
        s, p, o = (fixed(t) for t in tr)
        g.add((s, p, o))
        where = "[blank node]" if isinstance(s, BNode) else f"<{s}>"
        if any(_valid_unicode(str(t)).count("\ufffd") > str(t).count("\ufffd") for t in tr):
            warnings.append(
                f"{where} {_curie(str(p))}: a lone UTF-16 surrogate (half of a pair, not valid Unicode) "
                f"read as U+FFFD: {str(o)[:80]!r}"
            )


def load_graph(path: str, options: dict[str, Any], root: str, warnings: list[str] | None = None) -> Any:
    """An rdflib Graph of one catalogue file (compressed files are decompressed by content).

    Repairs applied to a slightly broken Turtle file, and lone surrogates read as U+FFFD, are
    appended to ``warnings``.
    """
    if warnings is None:
        warnings = []
    from rdflib import Graph

    limit = int(options.get("max_decompressed_mb", 512)) * 2**20
    try:
        with open(path, "rb") as raw, open_decompressed(raw, path, limit) as f:
            data = f.read()
    except OSError as exc:
        raise ConfigError(f"cannot open the catalogue: {exc.strerror or exc}", file=path) from exc
    fmt = _detect_format(path, data[:64], options.get("rdf_format"))
    if fmt == "json-ld":
        contexts = {
            url: (p if os.path.isabs(p) else os.path.join(root, p))
            for url, p in (options.get("jsonld_contexts") or {}).items()
        }
        g = _jsonld_graph(data, path, contexts)
        _without_surrogates(g, warnings)
        return g
    g = Graph()
    try:
        g.parse(io.BytesIO(data), format=fmt, publicID=path)
    except Exception as exc:  # rdflib raises parser-specific classes (BadSyntax, SAXParseException...)
        repaired, repairs = _repair_turtle(data) if fmt == "turtle" else (data, [])
        if not repairs:
            raise ConfigError(f"not valid RDF ({fmt}): {exc}", file=path) from exc
        g = Graph()
        try:
            g.parse(io.BytesIO(repaired), format=fmt, publicID=path)
        except Exception:  # as above: any parser error means the repair did not help
            raise ConfigError(f"not valid RDF ({fmt}): {exc}", file=path) from exc
        for r in repairs:
            warnings.append(f"not valid Turtle, read after a repair: {r}")
    _without_surrogates(g, warnings)
    return g


def _repair_turtle(data: bytes) -> tuple[bytes, list[str]]:
    """Repair two unambiguous Turtle slips seen in real exports (piveau's test records).

    * an ``@prefix`` line without its final ``.`` (Turtle 1.1 grammar rule [4] requires it);
    * a file that ends inside a statement with ``;`` or ``,`` (the final ``.`` is missing).

    Returns the repaired bytes and one description per repair (reported as warnings); no
    repair for anything else.
    """
    lines = data.decode("utf-8", "replace").split("\n")
    repairs: list[str] = []
    for i, line in enumerate(lines):
        if re.match(r"^\s*@prefix\s+[\w.-]*:\s*<[^>]*>\s*$", line):
            lines[i] = line.rstrip() + " ."
            repairs.append(f"added the missing '.' at the end of the @prefix line {i + 1}")
    text = "\n".join(lines).rstrip()
    if text.endswith((";", ",")):
        repairs.append(f"the file ends with '{text[-1]}': replaced it by the missing final '.'")
        text = text[:-1] + " ."
    return text.encode("utf-8"), repairs


class _View:
    """Small helpers over an rdflib graph, returning plain strings, deterministic order."""

    def __init__(self, g: Any) -> None:
        from rdflib import BNode, Literal, URIRef

        self.g = g
        self.BNode = BNode
        self.Literal = Literal
        self.URIRef = URIRef

    def objs(self, s: Any, p: str) -> list[Any]:
        return sorted(
            self.g.objects(s, self.URIRef(p)),
            key=lambda o: (isinstance(o, self.BNode), str(o) if not isinstance(o, self.BNode) else ""),
        )

    def literal(self, s: Any, p: str) -> str | None:
        """One literal: no language tag or ``en`` first, then by language and value."""
        lits = [o for o in self.g.objects(s, self.URIRef(p)) if isinstance(o, self.Literal)]
        if not lits:
            iris = [o for o in self.objs(s, p) if isinstance(o, self.URIRef)]
            return str(iris[0]) if iris else None
        lits.sort(key=lambda lit: (lit.language not in (None, "en"), lit.language or "", str(lit)))
        return str(lits[0])

    def iri(self, s: Any, p: str) -> str | None:
        vals = self.objs(s, p)
        for v in vals:
            if isinstance(v, self.URIRef | self.Literal):
                return str(v)
        return None

    def count(self, s: Any, p: str) -> int:
        return len(list(self.g.objects(s, self.URIRef(p))))

    def agent_name(self, node: Any) -> str | None:
        if node is None:
            return None
        name = (
            self.literal(node, FOAF + "name")
            or self.literal(node, VCARD + "fn")
            or self.literal(node, SKOS + "prefLabel")
        )
        if name:
            return name
        return None if isinstance(node, self.BNode) else str(node)

    def types(self, s: Any) -> set[str]:
        return {str(o) for o in self.g.objects(s, self.URIRef(RDF_TYPE))}


def _local_name(iri: str) -> str:
    tail = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail or iri


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return s[:80] or "x"


def _short_hash(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=4).hexdigest()


def _language(value: str) -> str:
    """``http://publications.europa.eu/resource/authority/language/MLT`` -> ``mt``; ``en`` -> ``en``."""
    code = _local_name(value)
    if "/" not in value and len(code) <= 3 and code.islower():
        return code
    if code.upper() == "OP_DATPRO":  # the EU authority's "provisional data": no language
        return "und"
    return _EU_LANG.get(code.upper(), code.lower())


def _declared_language(langs: list[str], fallback: str | None, label: str, warnings: list[str]) -> str | None:
    """The language a distribution's documents are declared in: the one language its DCAT record
    (or its dataset's) names; the catalogue source's own ``language`` when the record names none;
    none when it names several, or a value that declares no language (``MUL``, ``ZXX``, ``UND``,
    the EU authority's ``OP_DATPRO``). A value no language code matches is reported as a warning
    and read as undeclared: the catalogue is the publisher's, not the recipe's, so one dataset's
    unknown code must not stop the run (it was a ConfigError that stopped every source)."""
    from altedic.langid.codes import normalise_lang, unrecognised_declaration

    if not langs:
        return fallback
    unknown = sorted({u for lang in langs if (u := unrecognised_declaration(lang)) is not None})
    if unknown:
        warnings.append(
            f"{label}: dct:language {', '.join(repr(u) for u in unknown)} is not a language code altedic knows; "
            "its documents are read as undeclared (the detector decides alone)"
        )
    codes = {c for lang in langs if (c := normalise_lang(lang)) is not None}
    return codes.pop() if len(codes) == 1 and not unknown else None


def _licence_of(v: _View, node: Any, where: str) -> tuple[str | None, str | None]:
    """(raw licence string, evidence) of the ``dct:license`` of ``node``; picks the most recognisable form."""
    from altedic.licence.policy import normalise_licence

    values = v.objs(node, DCT + "license")
    if not values:
        return None, None
    lic = values[0]
    if isinstance(lic, v.Literal):
        return str(lic), f'dct:license "{lic}" on {where}'
    label = f"<{lic}>" if isinstance(lic, v.URIRef) else "[licence document]"
    candidates: list[tuple[str, str]] = []
    if isinstance(lic, v.URIRef):
        candidates.append((str(lic), f"dct:license {label} on {where}"))
    for p, name in ((SKOS + "exactMatch", "skos:exactMatch"), (OWL + "sameAs", "owl:sameAs")):
        for o in v.objs(lic, p):
            candidates.append((str(o), f"dct:license {label} {name} <{o}> on {where}"))
    for p, name in (
        (DCT + "identifier", "dct:identifier"),
        (DC + "identifier", "dc:identifier"),
        (SKOS + "prefLabel", "skos:prefLabel"),
        (SKOS + "altLabel", "skos:altLabel"),
        (DCT + "title", "dct:title"),
        (RDFS + "label", "rdfs:label"),
    ):
        for o in v.objs(lic, p):
            if isinstance(o, v.Literal):
                candidates.append((str(o), f'dct:license {label} {name} "{o}" on {where}'))
    for raw, evidence in candidates:
        if normalise_licence(raw):
            return raw, evidence
    if not candidates:
        return None, None
    # Nothing recognised: hand the policy the most readable form so that its refusal names it.
    labelled = [c for c in candidates if "Label" in c[1] or "title" in c[1]]
    return (labelled or candidates)[0]


def _odrl_of(v: _View, node: Any, where: str, warnings: list[str]) -> dict[str, Any] | None:
    from altedic.licence.odrl import policy_from_graph

    policies = v.objs(node, ODRL + "hasPolicy")
    if not policies:
        return None
    if len(policies) > 1:
        warnings.append(
            f"{where}: {len(policies)} odrl:hasPolicy values; only the first is evaluated, the source will need review"
        )
    p = policies[0]
    policy = policy_from_graph(v.g, p)
    if set(policy) <= {"uid"}:
        warnings.append(
            f"{where}: odrl:hasPolicy <{p}> is not described in the catalogue; the source will be refused (odrl)"
        )
    return policy


def _check(
    v: _View, node: Any, label: str, mandatory: tuple[str, ...], max_one: tuple[str, ...], warnings: list[str]
) -> None:
    """DCAT-AP 3.0.0 cardinalities: ``mandatory`` properties 1..n, ``max_one`` 0..1 / 1..1."""
    for p in mandatory:
        if v.count(node, p) == 0:
            warnings.append(f"{label}: {_curie(p)} is mandatory in DCAT-AP 3.0.0 (1..n) and missing")
    for p in max_one:
        n = v.count(node, p)
        if n > 1:
            warnings.append(f"{label}: {_curie(p)} may occur at most once in DCAT-AP 3.0.0, found {n}")


def _curie(iri: str) -> str:
    for ns, prefix in ((DCAT, "dcat:"), (DCT, "dct:"), (ODRL, "odrl:")):
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


def _label(kind: str, node: Any, v: _View, context: str = "") -> str:
    if isinstance(node, v.BNode):
        return f"{kind} [blank node{context}]"
    return f"{kind} <{node}>"


def parse_catalogue(path: str, options: dict[str, Any] | None = None, root: str | None = None) -> ParsedCatalogue:
    """Parse one catalogue file into datasets and distributions, with DCAT-AP warnings.

    Deterministic and independent of the serialisation: the same catalogue in JSON-LD and in
    Turtle gives equal results (blank-node labels never appear; distributions without an IRI
    are keyed by a hash of their URLs and format).
    """
    from rdflib import URIRef

    options = options or {}
    root = root or os.path.dirname(os.path.abspath(path))
    warnings: list[str] = []
    g = load_graph(path, options, root, warnings)
    v = _View(g)
    rdf_type = URIRef(RDF_TYPE)

    catalogues = set(g.subjects(rdf_type, URIRef(DCAT + "Catalog")))
    misspelt = set(g.subjects(rdf_type, URIRef(DCAT + "Catalogue")))
    for c in sorted(misspelt, key=str):
        warnings.append(
            f"{_label('catalogue', c, v)}: typed dcat:Catalogue, which is not a DCAT class (dcat:Catalog); read as a catalogue"
        )
    catalogues |= misspelt
    datasets = set(g.subjects(rdf_type, URIRef(DCAT + "Dataset")))
    ds_catalogue: dict[Any, Any] = {}
    for c in sorted(catalogues, key=str):
        label = _label("catalogue", c, v)
        _check(
            v,
            c,
            label,
            (DCT + "title", DCT + "description", DCT + "publisher"),
            (DCT + "publisher", DCT + "issued", DCT + "modified", DCT + "license"),
            warnings,
        )
        for d in v.objs(c, DCAT + "dataset"):
            ds_catalogue.setdefault(d, c)
            if d not in datasets:
                if not list(g.predicate_objects(d)):
                    warnings.append(f"{label}: dataset <{d}> is listed but not described in this file; skipped")
                    continue
                datasets.add(d)
    # Dataset series (DCAT 3) are grouping records, not data to read.
    series = set(g.subjects(rdf_type, URIRef(DCAT + "DatasetSeries")))
    out: list[Dataset] = []
    for d in datasets - series:
        label = _label("dataset", d, v)
        _check(
            v,
            d,
            label,
            (DCT + "title", DCT + "description"),
            (DCT + "publisher", DCT + "issued", DCT + "modified", DCT + "accessRights", DCT + "accrualPeriodicity"),
            warnings,
        )
        identifier = v.literal(d, DCT + "identifier")
        if isinstance(d, URIRef):
            key = _slug(_local_name(str(d)))
        elif identifier:
            key = _slug(_local_name(identifier))
        else:
            key = "dataset-" + _short_hash(v.literal(d, DCT + "title") or "", v.literal(d, DCT + "description") or "")
        c = ds_catalogue.get(d)
        ds = Dataset(
            iri=str(d) if isinstance(d, URIRef) else None,
            key=key,
            title=v.literal(d, DCT + "title"),
            description=v.literal(d, DCT + "description"),
            publisher=v.agent_name(next(iter(v.objs(d, DCT + "publisher")), None)),
            languages=sorted({_language(str(x)) for x in v.objs(d, DCT + "language")}),
            rights=v.literal(d, DCT + "rights"),
            access_rights=v.literal(d, DCT + "accessRights"),
            issued=v.literal(d, DCT + "issued"),
            modified=v.literal(d, DCT + "modified"),
            identifier=identifier,
            landing_page=v.iri(d, DCAT + "landingPage"),
        )
        ds.licence, ds.licence_evidence = _licence_of(v, d, label)
        ds.odrl = _odrl_of(v, d, label, warnings)
        if c is not None:
            ds.catalogue = str(c) if isinstance(c, URIRef) else None
            ds.catalogue_title = v.literal(c, DCT + "title")
            ds.catalogue_publisher = v.agent_name(next(iter(v.objs(c, DCT + "publisher")), None))
            ds.catalogue_licence, ds.catalogue_licence_evidence = _licence_of(v, c, _label("catalogue", c, v))
            if not ds.languages:
                ds.languages = sorted({_language(str(x)) for x in v.objs(c, DCT + "language")})
        for dist in v.objs(d, DCAT + "distribution"):
            ds.distributions.append(_distribution(v, dist, ds, label, warnings))
        keys: dict[str, int] = {}
        for dist_rec in sorted(ds.distributions, key=lambda x: x.key):
            n = keys.get(dist_rec.key, 0)
            keys[dist_rec.key] = n + 1
            if n:
                dist_rec.key = f"{dist_rec.key}-{n + 1}"
        ds.distributions.sort(key=lambda x: x.key)
        out.append(ds)
    out.sort(key=lambda x: (x.key, x.iri or ""))
    return ParsedCatalogue(uri=path, datasets=out, warnings=sorted(set(warnings)))


def _distribution(v: _View, node: Any, ds: Dataset, ds_label: str, warnings: list[str]) -> Distribution:
    from rdflib import URIRef

    downloads = [str(o) for o in v.objs(node, DCAT + "downloadURL")]
    access = [str(o) for o in v.objs(node, DCAT + "accessURL")]
    formats: list[str] = []
    for f in v.objs(node, DCT + "format"):
        formats.append(
            v.literal(f, RDFS + "label") or v.literal(f, SKOS + "prefLabel") or _local_name(str(f))
            if not isinstance(f, v.Literal)
            else str(f)
        )
    for m in v.objs(node, DCAT + "mediaType"):
        s = str(m)
        formats.append(s.split("/media-types/", 1)[1] if "/media-types/" in s else s)
    identifier = v.literal(node, DCT + "identifier") or v.literal(node, DCAT + "identifier")
    if isinstance(node, URIRef):
        key = _slug(_local_name(str(node)))
        label = f"distribution <{node}>"
    else:
        key = "dist-" + _short_hash(*sorted(downloads), "|", *sorted(access), "|", *sorted(formats))
        label = f"distribution {key} of {ds_label}"
    if not list(v.g.predicate_objects(node)):
        warnings.append(f"{label}: listed by {ds_label} but not described in this file (no dcat:accessURL)")
    else:
        _check(
            v,
            node,
            label,
            (DCAT + "accessURL",),
            (
                DCT + "license",
                DCT + "format",
                DCAT + "mediaType",
                DCT + "issued",
                DCT + "modified",
                DCT + "rights",
                DCAT + "byteSize",
            ),
            warnings,
        )
    dist = Distribution(
        iri=str(node) if isinstance(node, URIRef) else None,
        key=key,
        title=v.literal(node, DCT + "title"),
        formats=formats,
        download_urls=downloads,
        access_urls=access,
        rights=v.literal(node, DCT + "rights"),
        access_rights=v.literal(node, DCT + "accessRights"),
        issued=v.literal(node, DCT + "issued"),
        modified=v.literal(node, DCT + "modified"),
        identifier=identifier,
        languages=sorted({_language(str(x)) for x in v.objs(node, DCT + "language")}),
    )
    dist.licence, dist.licence_evidence = _licence_of(v, node, label)
    dist.odrl = _odrl_of(v, node, label, warnings)
    return dist


# --------------------------------------------------------------------------------------------
# Expansion into sources


def check_options(options: dict[str, Any]) -> list[str]:
    """Readable problems of a dcat source's ``options`` (empty when valid)."""
    from altedic.readers import REGISTRY

    problems = [f"unknown option '{k}'; allowed: {', '.join(OPTION_KEYS)}" for k in options if k not in OPTION_KEYS]
    for k in ("mirror", "formats", "reader_options", "jsonld_contexts"):
        if k in options and not isinstance(options[k], dict):
            problems.append(f"options.{k} must be a mapping ({OPTION_KEYS[k]})")
    readers = ", ".join(sorted(set(REGISTRY) - {"dcat"}))
    for raw, reader in (options.get("formats") or {}).items():
        if reader not in REGISTRY or reader == "dcat":
            problems.append(f"options.formats.{raw}: '{reader}' is not a reader; known: {readers}")
    default = options.get("default_format")
    if default is not None and (default not in REGISTRY or default == "dcat"):
        problems.append(f"options.default_format: '{default}' is not a reader; known: {readers}")
    return problems


def _reader_for(
    dist: Distribution, urls: list[str], overrides: dict[str, str], default: str | None, label: str, warnings: list[str]
) -> str | None:
    candidates: list[tuple[str, str]] = []
    over = {k.casefold(): r for k, r in overrides.items()}
    raws = [*dist.formats, *(os.path.splitext(unquote(u.split("?", 1)[0]))[1] for u in urls)]
    for raw in raws:
        if not raw:
            continue
        k = raw.casefold()
        if k in over:
            candidates.append((raw, over[k]))
    for raw in dist.formats:
        k = raw.casefold()
        if k in FORMAT_READERS:
            candidates.append((raw, FORMAT_READERS[k]))
    for u in urls:
        ext = os.path.splitext(unquote(u.split("?", 1)[0]))[1].casefold()
        if ext in _EXTENSIONS:
            candidates.append((ext, _EXTENSIONS[ext]))
    if not candidates and default and not dist.formats:
        return default
    if not candidates:
        shown = ", ".join(dist.formats) or "none"
        warnings.append(
            f"{label}: no reader for format {shown}; skipped (map it with options.formats if a reader applies)"
        )
        return None
    chosen = candidates[0]
    others = {r for _, r in candidates[1:] if r != chosen[1]}
    if others and not any(raw.casefold() in over for raw, _ in candidates[:1]):
        warnings.append(
            f"{label}: formats disagree ({', '.join(dist.formats)}); read with '{chosen[1]}' from '{chosen[0]}'"
        )
    return chosen[1]


def _map_url(url: str, mirror: list[tuple[str, str]]) -> str | None:
    for prefix, local in mirror:
        if url.startswith(prefix):
            rest = unquote(url[len(prefix) :].split("#", 1)[0])
            if ".." in rest.split("/"):
                return None
            return os.path.join(local, rest.lstrip("/")) if rest else local
    return None


def _meta(**values: str | list[str] | None) -> dict[str, str]:
    """The metadata stamped on every document of a child source, as valid Unicode.

    Catalogue values were cleaned when the graph was read; the catalogue's own file name is not
    (a name that is not UTF-8 is decoded with surrogate escapes), hence the check here too.
    """
    out: dict[str, str] = {}
    for k, val in values.items():
        if isinstance(val, list):
            if val:
                out[k] = _valid_unicode(" | ".join(val))
        elif val:
            out[k] = _valid_unicode(val)
    return out


def expand_catalogue(spec: SourceSpec) -> tuple[list[SourceSpec], list[str]]:
    """The child sources of a ``format: dcat`` source (one per readable distribution) and the warnings.

    Child names are ``<source>/<dataset key>/<distribution key>``, stable across runs and
    serialisations. Children carry no licence decision: the driver calls
    :func:`altedic.licence.policy.decide` on each. Raises ConfigError for bad options or a file
    that is not a catalogue; never for the catalogue's content.
    """
    problems = check_options(spec.options)
    if problems:
        raise ConfigError("; ".join(problems), file=spec.origin or None, key=f"sources.{spec.name}.options")
    mirror = sorted(
        (
            (prefix, local if os.path.isabs(local) else os.path.normpath(os.path.join(spec.root, local)))
            for prefix, local in (spec.options.get("mirror") or {}).items()
        ),
        key=lambda pl: -len(pl[0]),
    )
    from altedic.sources.files import list_source

    listing = list_source(spec)  # the catalogue files, listed as the run lists a source's files
    if listing.unmatched:
        raise ConfigError(
            f"no catalogue file matches {listing.unmatched[0]}",
            file=spec.origin or None,
            key=f"sources.{spec.name}.paths",
        )
    files = listing.files
    children: list[SourceSpec] = []
    warnings: list[str] = []
    names: set[str] = set()
    reader_options = spec.options.get("reader_options") or {}
    for path in files:
        parsed = parse_catalogue(path, spec.options, spec.root)
        rel = os.path.relpath(path, spec.root) if spec.root else path
        warnings.extend(f"{rel}: {w}" for w in parsed.warnings)
        for ds in parsed.datasets:
            for dist in ds.distributions:
                label = f"{rel}: distribution {dist.iri or dist.key} of dataset {ds.iri or ds.key}"
                urls = dist.download_urls or dist.access_urls
                if not urls:
                    warnings.append(f"{label}: no dcat:downloadURL or dcat:accessURL; skipped")
                    continue
                mapped: list[str] = []
                roots: list[str] = []
                for u in urls:
                    local = _map_url(u, mirror)
                    if local is None:
                        warnings.append(
                            f"{label}: {u} is not mirrored locally (add a prefix of it to options.mirror); not read"
                        )
                    elif not os.path.exists(local):
                        warnings.append(f"{label}: {u} maps to {local}, which does not exist; not read")
                    else:
                        # The child's paths are patterns (the driver and `altedic sources` glob them):
                        # escaped, a URL such as https://files.ex.org/*/*.jsonl names a file called
                        # "*.jsonl" in a directory called "*", never every dataset's files (which were
                        # then read under this distribution's licence).
                        pattern = glob.escape(local)
                        # a folder is read whole, top-level files included (``**/*`` needs a
                        # subfolder in Beam's patterns: the folder's own files were not read)
                        mapped.append(os.path.join(pattern, "**") if os.path.isdir(local) else pattern)
                        roots.append(os.path.dirname(local.rstrip("/")) or "/")
                if not mapped:
                    continue
                reader = _reader_for(
                    dist, urls, spec.options.get("formats") or {}, spec.options.get("default_format"), label, warnings
                )
                if reader is None:
                    continue
                licence: str | None
                evidence: str | None
                if dist.licence:
                    licence, evidence = dist.licence, dist.licence_evidence
                elif ds.licence:
                    licence, evidence = ds.licence, ds.licence_evidence
                elif ds.catalogue_licence:
                    licence, evidence = ds.catalogue_licence, ds.catalogue_licence_evidence
                else:
                    licence = spec.licence
                    evidence = spec.licence_evidence or (
                        f"licence declared by source '{spec.name}'" if spec.licence else None
                    )
                langs = dist.languages or ds.languages
                language = _declared_language(langs, spec.language, label, warnings)
                name = f"{spec.name}/{ds.key}/{dist.key}"
                if name in names:
                    name = f"{name}-{_short_hash(path, ds.iri or '', dist.iri or '', *urls)}"
                names.add(name)
                common = os.path.commonpath(roots)
                children.append(
                    SourceSpec(
                        name=name,
                        format=reader,
                        paths=mapped,
                        root=common,
                        language=language,
                        licence=licence,
                        licence_evidence=evidence,
                        publisher=ds.publisher or ds.catalogue_publisher or spec.publisher,
                        attribution=spec.attribution,
                        retrieved=spec.retrieved,
                        profile=spec.profile,
                        options={
                            **dict(reader_options.get(reader) or {}),
                            **({"tdm_reservation": True} if spec.options.get("tdm_reservation") else {}),
                        },
                        metadata=_meta(
                            catalogue_file=rel,
                            catalogue=ds.catalogue,
                            catalogue_title=ds.catalogue_title,
                            dataset=ds.iri,
                            dataset_title=ds.title,
                            dataset_identifier=ds.identifier,
                            landing_page=ds.landing_page,
                            issued=dist.issued or ds.issued,
                            modified=dist.modified or ds.modified,
                            distribution=dist.iri,
                            distribution_title=dist.title,
                            format=dist.formats,
                            download_url=urls,
                            rights=dist.rights or ds.rights,
                            access_rights=dist.access_rights or ds.access_rights,
                            languages=langs,
                        ),
                        tdm_reserved=spec.tdm_reserved,
                        odrl=dist.odrl or ds.odrl or spec.odrl,
                        origin=f"{spec.origin or spec.name} > {rel} > {ds.iri or ds.key} > {dist.iri or dist.key}",
                        confine=spec.confine,  # a contributed catalogue's mirror stays in its folder
                    )
                )
    return children, warnings


__all__ = [
    "FORMAT_READERS",
    "OPTION_KEYS",
    "Dataset",
    "Distribution",
    "ParsedCatalogue",
    "check_options",
    "expand_catalogue",
    "parse_catalogue",
]
