"""The licence policy: may the documents of a source (or of a table row) enter a training corpus?

One place decides, before a single document is read. The decision for a :class:`SourceSpec`
looks, in this order, at

1. a machine-readable text-and-data-mining reservation (:mod:`altedic.licence.tdm`: TDMRep
   ``tdm-reservation: 1`` in a sidecar ``tdmrep.json`` or an HTML ``<meta>``, or the
   contributor's own record) -> ``licence.tdm_reserved``;
2. an ODRL policy attached to the source (:mod:`altedic.licence.odrl`) ->
   ``licence.odrl_prohibited`` / ``licence.odrl_unknown_constraint`` (or ``licence.non_commercial``
   for a prohibition of commercial use);
3. the declared licence (for EU institutional formats without one, the EU reuse policy:
   :func:`eu_by_default`), normalised by :func:`normalise_licence` against the data file
   ``altedic/licence/licences.yaml`` -> ``licence.missing`` / ``licence.unknown`` /
   ``licence.non_commercial`` / ``licence.no_derivatives`` or allowed.

Refusal is the default: a licence that is not on the allow list, a constraint that is not
understood, a missing licence, all refuse with a reason that names what was found. Reason codes
are stable ``stage.rule`` strings (DESIGN.md, "Score first, decide later").

Normalised ids are SPDX ids where one exists (https://spdx.org/licenses/), ``EU-Reuse-2011-833``
for Commission Decision 2011/833/EU (the reuse notice of EU institutions' documents), and
stable altedic ids otherwise (``public-domain``, unversioned family ids such as ``CC-BY``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from altedic import yamlload
from altedic.errors import ConfigError

if TYPE_CHECKING:
    from altedic.sources import SourceSpec

#: Stable reason codes of a refusal (``Document.reason`` / the manifest's refused sources).
REASONS: tuple[str, ...] = (
    "licence.non_commercial",
    "licence.no_derivatives",
    "licence.unknown",
    "licence.missing",
    "licence.tdm_reserved",
    "licence.odrl_prohibited",
    "licence.odrl_unknown_constraint",
)

_STATUSES = ("allow", "non_commercial", "no_derivatives", "deny")

#: Keys accepted in ``policy_overrides`` (the recipe's licence policy section).
OVERRIDE_KEYS: dict[str, str] = {
    "allow": "list of licence ids (normalised) to allow on top of the allow list, e.g. [CC-BY-NC-4.0] for a research-only build",
    "deny": "list of licence ids (normalised) to refuse although the allow list has them",
    "allow_non_commercial": "true to let non-commercial licences in (research-only corpora)",
    "allow_no_derivatives": "true to let no-derivatives licences in",
    "reference_date": "ISO date (YYYY-MM-DD) against which ODRL dateTime constraints are evaluated (default: today)",
    "purposes": "list of purposes the corpus serves, matched against ODRL purpose constraints (default: the data file's corpus_purposes)",
}


@dataclass(frozen=True)
class LicenceDecision:
    """The outcome of the policy for one source, distribution or row.

    ``licence_id`` is the normalised licence (also set on refusals when it could be normalised,
    so that the manifest can count refusals per licence); ``reason`` is None exactly when
    ``allowed`` is True; ``detail`` is a readable sentence naming the licence or constraint;
    ``evidence`` says where the licence information came from (copied to every kept document's
    ``licence_evidence``).
    """

    allowed: bool
    licence_id: str | None
    reason: str | None
    detail: str
    evidence: str


@dataclass(frozen=True)
class LicenceEntry:
    """One licence of the data file."""

    id: str
    name: str
    status: str


@dataclass(frozen=True)
class PolicyData:
    """The parsed ``licences.yaml``: lookup tables and the ODRL vocabulary the pipeline understands."""

    entries: dict[str, LicenceEntry]
    by_alias: dict[str, str]
    by_iri: dict[str, str]
    by_eu_code: dict[str, str]
    cc_terms: dict[str, tuple[str, ...]]
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    odrl: dict[str, frozenset[str]]


# --------------------------------------------------------------------------------------------
# Normalisation keys


def text_key(raw: str) -> str:
    """Comparison key of a free-text name: NFKC, case-folded, every run of non-alphanumerics -> one space.

    ``"CC BY-SA 4.0"``, ``"cc-by-sa-4.0"`` and ``"CC_BY_SA 4.0"`` all give ``"cc by sa 4 0"``.
    Letters of every script are kept (Greek, Cyrillic, Maltese ``ħ``...).
    """
    s = unicodedata.normalize("NFKC", raw).casefold()
    s = s.replace("’", "'").replace("'", " ")
    return " ".join(re.findall(r"[^\W_]+", s))


def iri_key(iri: str) -> str:
    """Comparison key of a licence IRI: no scheme, no ``www.``, no trailing ``/``, no fragment, lower case."""
    s = iri.strip().casefold()
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", s)
    s = s.split("#", 1)[0]
    if s.startswith("www."):
        s = s[4:]
    return s.rstrip("/")


def _is_iri(raw: str) -> bool:
    return bool(re.match(r"^(https?|urn|ftp):", raw.strip(), re.IGNORECASE))


# --------------------------------------------------------------------------------------------
# The data file


def _as_list(value: Any, where: str, file: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ConfigError("must be a list of strings", file=file, key=where)
    return [str(v) for v in value]


def parse_policy_data(data: Any, file: str = "altedic/licence/licences.yaml") -> PolicyData:
    """Validate and index a licences data file (already parsed YAML). Raises ConfigError naming the key."""
    if not isinstance(data, dict) or not isinstance(data.get("licences"), dict):
        raise ConfigError("must be a mapping with a 'licences' mapping", file=file)
    entries: dict[str, LicenceEntry] = {}
    by_alias: dict[str, str] = {}
    by_iri: dict[str, str] = {}
    by_eu: dict[str, str] = {}
    for lid, spec in data["licences"].items():
        where = f"licences.{lid}"
        if not isinstance(spec, dict):
            raise ConfigError("must be a mapping (name, status, aliases, iris, eu)", file=file, key=where)
        status = spec.get("status")
        if status not in _STATUSES:
            raise ConfigError(f"status must be one of {', '.join(_STATUSES)}, not {status!r}", file=file, key=where)
        entries[lid] = LicenceEntry(id=lid, name=str(spec.get("name", lid)), status=status)
        for alias in [lid, *_as_list(spec.get("aliases"), where + ".aliases", file)]:
            by_alias.setdefault(text_key(alias), lid)
        for iri in _as_list(spec.get("iris"), where + ".iris", file):
            by_iri[iri_key(iri)] = lid
        for code in _as_list(spec.get("eu"), where + ".eu", file):
            by_eu[code.upper()] = lid
    cc_raw = data.get("cc_terms") or {}
    if not isinstance(cc_raw, dict) or set(cc_raw) - {"by", "nc", "nd", "sa", "ignore"}:
        raise ConfigError("must map by/nc/nd/sa/ignore to lists of names", file=file, key="cc_terms")
    cc_terms = {
        k: tuple(sorted({text_key(t) for t in _as_list(cc_raw.get(k), f"cc_terms.{k}", file)}))
        for k in ("by", "nc", "nd", "sa", "ignore")
    }
    patterns: list[tuple[re.Pattern[str], str]] = []
    for i, p in enumerate(data.get("patterns") or []):
        if not isinstance(p, dict) or "regex" not in p or "id" not in p:
            raise ConfigError("each pattern needs 'regex' and 'id'", file=file, key=f"patterns[{i}]")
        if p["id"] not in entries:
            raise ConfigError(f"id {p['id']!r} is not a licence of this file", file=file, key=f"patterns[{i}].id")
        try:
            patterns.append((re.compile(p["regex"], re.IGNORECASE), p["id"]))
        except re.error as exc:
            raise ConfigError(f"not a valid regular expression: {exc}", file=file, key=f"patterns[{i}].regex") from exc
    odrl_raw = data.get("odrl") or {}
    if not isinstance(odrl_raw, dict):
        raise ConfigError("must be a mapping", file=file, key="odrl")
    odrl = {k: frozenset(v.casefold() for v in _as_list(odrl_raw.get(k), f"odrl.{k}", file)) for k in odrl_raw}
    return PolicyData(entries, by_alias, by_iri, by_eu, cc_terms, tuple(patterns), odrl)


@cache
def policy_data() -> PolicyData:
    """The packaged ``licences.yaml``, parsed once per process (read-only)."""
    text = resources.files("altedic.licence").joinpath("licences.yaml").read_text("utf-8")
    try:
        data = yamlload.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", file="altedic/licence/licences.yaml") from exc
    return parse_policy_data(data)


# --------------------------------------------------------------------------------------------
# Creative Commons by rule (any version, port, translation)

_CC_VERSION = re.compile(r"(?:^| )([1-4]) ([05])(?: ([a-z]{2,3}))?(?= |$)")


def _cc_from_text(key: str, data: PolicyData) -> str | None:
    """``CC-BY-NC-SA-4.0`` from a case-folded, space-joined name such as ``creative commons namensnennung nicht kommerziell 4 0``.

    Recognises the official element names of :data:`PolicyData.cc_terms` (all languages of the
    data file), the version (1.0-4.0) and a jurisdiction port (``3 0 de`` -> ``-3.0-DE``).
    Without a version the family id (``CC-BY-SA``) is returned: it is not an SPDX id.
    """
    if key.startswith("creative commons "):
        rest = key[len("creative commons ") :]
    elif key.startswith("cc "):
        rest = key[3:]
    else:
        return None
    version = ""
    m = _CC_VERSION.search(rest)
    if m:
        version = f"{m.group(1)}.{m.group(2)}"
        port = m.group(3)
        if port and port not in {"int"}:
            version += "-" + port.upper()
        rest = (rest[: m.start()] + " " + rest[m.end() :]).strip()
    noise = set(data.cc_terms["ignore"])
    padded = f" {' '.join(w for w in rest.split() if w not in noise)} "
    found: dict[str, bool] = {}
    for element in ("by", "nc", "nd", "sa"):
        found[element] = False
        for term in sorted(data.cc_terms[element], key=len, reverse=True):
            if f" {term} " in padded:
                found[element] = True
                padded = padded.replace(f" {term} ", " ")
        padded = f" {' '.join(padded.split())} "
    if not found["by"] or (found["nd"] and found["sa"]) or padded.strip():
        # Leftover words we do not understand: refuse to guess (returns None -> licence.unknown).
        return None
    parts = ["CC", "BY"] + [e.upper() for e in ("nc", "nd", "sa") if found[e]]
    lid = "-".join(parts)
    return f"{lid}-{version}" if version else lid


def _cc_from_iri(key: str) -> str | None:
    """CC licence IRIs: ``creativecommons.org/licenses/by-nc/3.0/de/deed.fr`` -> ``CC-BY-NC-3.0-DE``."""
    m = re.match(
        r"^creativecommons\.org/(licenses|publicdomain)/([a-z-]+)(?:/(\d\.\d))?(?:/([a-z]{2,3}))?(?:/.*)?$", key
    )
    if not m:
        return None
    kind, code, version, port = m.groups()
    if kind == "publicdomain":
        return {"zero": "CC0-1.0", "mark": "CC-PDM-1.0"}.get(code)
    elements = code.split("-")
    if elements[0] != "by" or set(elements[1:]) - {"nc", "nd", "sa"}:
        return None
    lid = "CC-" + "-".join(e.upper() for e in elements)
    if version:
        lid += f"-{version}"
        if port and port not in {"legalcode", "deed"}:
            lid += f"-{port.upper()}"
    return lid


def _cc_from_eu_code(code: str) -> str | None:
    """EU authority codes ``CC_BY_4_0``, ``CC_BYNCSA_3_0``, ``CC_BYSA`` -> SPDX-style CC ids."""
    m = re.match(r"^CC_BY(SA|NC|ND|NCSA|NCND)?(?:_(\d)_(\d))?$", code)
    if not m:
        return None
    suffix, major, minor = m.groups()
    elements = {"SA": ["SA"], "NC": ["NC"], "ND": ["ND"], "NCSA": ["NC", "SA"], "NCND": ["NC", "ND"]}.get(
        suffix or "", []
    )
    lid = "-".join(["CC", "BY", *elements])
    return f"{lid}-{major}.{minor}" if major else lid


def _status_of(lid: str, data: PolicyData) -> str | None:
    """``allow``/``non_commercial``/``no_derivatives``/``deny`` of a normalised id, None if unknown."""
    entry = data.entries.get(lid)
    if entry is not None:
        return entry.status
    if lid.startswith("CC-BY"):
        elements = lid.split("-")
        if "NC" in elements:
            return "non_commercial"
        if "ND" in elements:
            return "no_derivatives"
        return "allow"
    return None


# --------------------------------------------------------------------------------------------
# Public API


@lru_cache(maxsize=4096)
def normalise_licence(raw: str) -> str | None:
    """The normalised licence id of a raw licence (SPDX id, IRI or free text), or None if unknown.

    Tried in order: IRIs (EU licence authority table, creativecommons.org, spdx.org,
    opendefinition.org, the data file's ``iris``), the data file's ids and aliases, Creative
    Commons names in any of the languages of ``cc_terms``, then the data file's ``patterns``.
    Never guesses: a name with words it does not understand gives None.
    """
    if not raw or not raw.strip():
        return None
    data = policy_data()
    raw = raw.strip()
    if _is_iri(raw):
        key = iri_key(raw)
        if key in data.by_iri:
            return data.by_iri[key]
        m = re.match(r"^publications\.europa\.eu/resource/authority/licence/([a-z0-9_]+)$", key)
        if m:
            code = m.group(1).upper()
            return data.by_eu_code.get(code) or _cc_from_eu_code(code)
        cc = _cc_from_iri(key)
        if cc:
            return cc
        m = re.match(r"^spdx\.org/licenses/([a-z0-9.+-]+?)(?:\.html|\.json)?$", key)
        if m:
            return _from_name(m.group(1), data)
        m = re.match(r"^opendefinition\.org/licenses/([a-z0-9._-]+)$", key)
        if m:
            return _from_name(m.group(1), data)
        return None
    return _from_name(raw, data)


def _from_name(raw: str, data: PolicyData) -> str | None:
    key = text_key(raw)
    if not key:
        return None
    if key in data.by_alias:
        return data.by_alias[key]
    if raw.upper().startswith("CC_"):
        eu = _cc_from_eu_code(raw.upper())
        if eu:
            return eu
    cc = _cc_from_text(key, data)
    if cc:
        return cc
    for pattern, lid in data.patterns:
        if pattern.search(raw):
            return lid
    return None


def licence_name(lid: str) -> str:
    """A readable name of a normalised id (the data file's ``name``, else the id itself)."""
    entry = policy_data().entries.get(lid)
    return entry.name if entry else lid


@dataclass(frozen=True)
class _Overrides:
    allow: frozenset[str]
    deny: frozenset[str]
    allow_non_commercial: bool
    allow_no_derivatives: bool
    reference_date: date | None
    purposes: frozenset[str] | None


def check_overrides(overrides: dict[str, Any] | None, file: str | None = None) -> list[str]:
    """Readable problems of a ``policy_overrides`` mapping (empty when valid)."""
    problems: list[str] = []
    if overrides is None:
        return problems
    if not isinstance(overrides, dict):
        return ["the licence policy overrides must be a mapping of " + ", ".join(OVERRIDE_KEYS)]
    for k, v in overrides.items():
        if k not in OVERRIDE_KEYS:
            problems.append(f"unknown key '{k}'; allowed keys: {', '.join(OVERRIDE_KEYS)}")
        elif k in ("allow", "deny", "purposes") and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            problems.append(f"'{k}' must be a list of strings ({OVERRIDE_KEYS[k]})")
        elif k in ("allow_non_commercial", "allow_no_derivatives") and not isinstance(v, bool):
            problems.append(f"'{k}' must be true or false")
        elif k == "reference_date":
            try:
                date.fromisoformat(str(v))
            except ValueError:
                problems.append(f"'reference_date' must be an ISO date YYYY-MM-DD, not {v!r}")
    return problems


def _overrides(overrides: dict[str, Any] | None) -> _Overrides:
    problems = check_overrides(overrides)
    if problems:
        raise ConfigError("; ".join(problems), key="licence policy")
    o = overrides or {}
    return _Overrides(
        allow=frozenset(normalise_licence(x) or x for x in o.get("allow", [])),
        deny=frozenset(normalise_licence(x) or x for x in o.get("deny", [])),
        allow_non_commercial=bool(o.get("allow_non_commercial", False)),
        allow_no_derivatives=bool(o.get("allow_no_derivatives", False)),
        reference_date=date.fromisoformat(str(o["reference_date"])) if "reference_date" in o else None,
        purposes=frozenset(p.casefold() for p in o["purposes"]) if "purposes" in o else None,
    )


def _decide_licence(raw: str | None, evidence: str, ov: _Overrides) -> LicenceDecision:
    """Steps 3 of the module docstring: the declared licence alone."""
    if raw is None or not str(raw).strip():
        return LicenceDecision(
            False,
            None,
            "licence.missing",
            "no licence is declared; add the licence (an SPDX id such as CC-BY-4.0, an IRI, or its name)",
            evidence,
        )
    raw = str(raw).strip()
    data = policy_data()
    lid = normalise_licence(raw)
    if lid is None:
        return LicenceDecision(
            False,
            None,
            "licence.unknown",
            f"licence {raw!r} is not recognised; it must be on the allow list (altedic/licence/licences.yaml) "
            "or be added to it after legal review",
            evidence,
        )
    name = licence_name(lid)
    if lid in ov.deny:
        return LicenceDecision(
            False, lid, "licence.unknown", f"licence {lid} is refused by the recipe's licence policy (deny)", evidence
        )
    if lid in ov.allow:
        return LicenceDecision(
            True, lid, None, f"licence {lid} is allowed by the recipe's licence policy (allow)", evidence
        )
    status = _status_of(lid, data)
    if status == "allow":
        shown = lid if name == lid else f"{lid} ({name})"
        return LicenceDecision(True, lid, None, f"licence {shown} is on the allow list", evidence)
    if status == "non_commercial":
        if ov.allow_non_commercial:
            return LicenceDecision(
                True, lid, None, f"non-commercial licence {lid} allowed by allow_non_commercial", evidence
            )
        return LicenceDecision(
            False,
            lid,
            "licence.non_commercial",
            f"licence {lid} forbids commercial use; non-commercial licences are refused by default",
            evidence,
        )
    if status == "no_derivatives":
        if ov.allow_no_derivatives:
            return LicenceDecision(
                True, lid, None, f"no-derivatives licence {lid} allowed by allow_no_derivatives", evidence
            )
        return LicenceDecision(
            False,
            lid,
            "licence.no_derivatives",
            f"licence {lid} forbids derivative works; no-derivatives licences are refused by default",
            evidence,
        )
    if status == "deny":
        return LicenceDecision(False, lid, "licence.unknown", f"licence {lid} ({name}) grants no reuse right", evidence)
    return LicenceDecision(
        False,
        lid,
        "licence.unknown",
        f"licence {lid} is recognised but has no status in the allow list (altedic/licence/licences.yaml)",
        evidence,
    )


#: Formats whose every document is an EU institution's (Formex, EUR-Lex HTML, Europarl,
#: JRC-Acquis): without a licence in the recipe they are under the EU reuse policy.
EU_FORMATS = frozenset({"formex", "eurlex_html", "europarl", "jrc_acquis"})


def eu_by_default(spec: SourceSpec) -> bool:
    """True when a source without a licence is under the EU reuse policy (Commission Decision
    2011/833/EU), as docs/formats.md says: an EU format (:data:`EU_FORMATS`), a zip whose
    ``member_format`` is one, or a TMX or Akoma Ntoso source with ``options.eu: true``. A TMX that
    is a DGT export and an AKN4EU file are recognised by their content, which the policy does not
    read: without ``eu: true`` (or a licence) they are refused as ``licence.missing``, as
    national AKN files must be.
    """
    if spec.format in EU_FORMATS:
        return True
    if spec.format == "zip":
        return spec.options.get("member_format") in EU_FORMATS
    return spec.format in ("tmx", "akn") and spec.options.get("eu") is True


def decide(
    spec: SourceSpec, policy_overrides: dict[str, Any] | None = None, files: list[str] | None = None
) -> LicenceDecision:
    """Decide whether the documents of ``spec`` may enter the corpus (see the module docstring).

    Reads no document. It may read small rights files: a TDMRep sidecar (``options.tdmrep`` or
    ``<root>/.well-known/tdmrep.json``) and the first 64 KiB of HTML inputs for a
    ``tdm-reservation`` meta element. ``policy_overrides`` is the recipe's licence policy
    section (keys in :data:`OVERRIDE_KEYS`); a bad one raises ConfigError. ``files``: the
    source's inputs as :func:`altedic.sources.files.list_source` listed them (listed here when
    not given), so that the TDM checks look at exactly the files the run reads.
    """
    from altedic.licence import odrl as odrl_mod
    from altedic.licence import tdm

    ov = _overrides(policy_overrides)
    evidence = spec.licence_evidence or (
        f"licence declared by source '{spec.name}'" + (f" ({spec.origin})" if spec.origin else "")
    )
    lid = normalise_licence(spec.licence) if spec.licence else None

    reservation = tdm.reservation_for_spec(spec, files)
    if reservation is not None:
        return LicenceDecision(False, lid, "licence.tdm_reserved", reservation.detail, reservation.evidence)

    odrl_result = None
    if spec.odrl:
        odrl_result = odrl_mod.evaluate(
            spec.odrl,
            reference_date=ov.reference_date or date.today(),
            purposes=ov.purposes,
        )
        if not odrl_result.allowed:
            assert odrl_result.reason is not None
            return LicenceDecision(False, lid, odrl_result.reason, odrl_result.detail, odrl_result.evidence)

    if odrl_result is not None and not (spec.licence and spec.licence.strip()):
        # A data-space offer without a licence: the ODRL policy alone grants the use.
        return LicenceDecision(True, f"odrl:{odrl_result.uid}", None, odrl_result.detail, odrl_result.evidence)

    licence = spec.licence
    if not (licence and licence.strip()) and odrl_result is None and eu_by_default(spec):
        # What the readers apply to these documents (readers.legal.eu_provenance): the policy
        # refused them as licence.missing before they were read, so the default never applied.
        from altedic.readers.legal import EU_LICENCE, EU_LICENCE_EVIDENCE

        licence, evidence = EU_LICENCE, f"{EU_LICENCE_EVIDENCE} (source '{spec.name}', format {spec.format})"
    decision = _decide_licence(licence, evidence, ov)
    if decision.allowed and odrl_result is not None:
        return LicenceDecision(
            True,
            decision.licence_id,
            None,
            f"{decision.detail}; {odrl_result.detail}",
            f"{evidence}; {odrl_result.evidence}",
        )
    return decision


def decide_row(raw: str | None, policy_overrides: dict[str, Any] | None = None) -> LicenceDecision:
    """Decide one table row's own licence value (a dataset that mixes licences per row).

    Call it only for rows whose licence column is present; a None or blank value gives
    ``licence.missing``. The caller sets ``Document.licence = decision.licence_id`` when allowed,
    or ``doc.reject(decision.reason, decision.detail)`` when not, and keeps its own
    ``licence_evidence`` (``row column '<col>'``). Results are cached per (value, overrides).
    """
    key = None if raw is None else str(raw)
    return _decide_row_cached(key, _freeze(policy_overrides))


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return {k: list(v) if isinstance(v, tuple) else v for k, v in value}


@lru_cache(maxsize=4096)
def _decide_row_cached(raw: str | None, frozen: Any) -> LicenceDecision:
    return _decide_licence(raw, "row licence value", _overrides(_thaw(frozen)))


__all__ = [
    "OVERRIDE_KEYS",
    "REASONS",
    "LicenceDecision",
    "check_overrides",
    "decide",
    "decide_row",
    "licence_name",
    "normalise_licence",
    "policy_data",
]
