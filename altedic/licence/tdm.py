"""Text-and-data-mining reservations (TDM Reservation Protocol, W3C Community Group report).

Article 4(3) of Directive (EU) 2019/790 lets rightholders reserve text and data mining "in an
appropriate manner, such as machine-readable means". TDMRep
(https://www.w3.org/community/reports/tdmrep/CG-FINAL-tdmrep-20240510/) defines three such
means, of which the two that survive mirroring are read here (from local files or, through
Beam's file systems, from a bucket):

* a JSON file at ``/.well-known/tdmrep.json``: an array of rules
  ``{"location": "/path/*", "tdm-reservation": 1, "tdm-policy": "https://..."}``; a rule's
  ``location`` is a path pattern where ``*`` matches any run of characters and a final ``$``
  anchors the end (spec section 3.3); the most specific (longest) matching pattern wins;
* an HTML ``<meta name="tdm-reservation" content="1">`` (with an optional ``tdm-policy`` meta).

A contributor can also record an opt-out they know of (a robots-style opt-out, a notice on the
web site) with ``tdm_reservation: true`` in the source manifest or recipe options; and a
:class:`~altedic.sources.SourceSpec` may carry ``tdm_reserved=True`` from a catalogue.

A reservation refuses the source (``licence.tdm_reserved``) even when a ``tdm-policy`` offers a
licence: that policy is a remote document the pipeline does not fetch or negotiate; a licence
obtained under it must be recorded as the source's licence, and the reservation removed from the
mirror, by a person.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from altedic import fsutil
from altedic.errors import ConfigError

if TYPE_CHECKING:
    from altedic.sources import SourceSpec

#: Reader formats whose inputs are HTML pages that may carry a ``tdm-reservation`` meta element.
HTML_FORMATS = frozenset({"eurlex_html", "html"})

#: Bytes read from the start of an HTML file when looking for the meta element (it lives in <head>).
HTML_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class TdmRule:
    """One rule of a ``tdmrep.json`` file."""

    location: str
    reserved: bool
    policy: str | None


@dataclass(frozen=True)
class TdmReservation:
    """A reservation that applies: ``detail`` for people, ``evidence`` names the file and rule."""

    detail: str
    evidence: str
    policy: str | None = None


def parse_tdmrep_json(text: str | bytes, uri: str) -> list[TdmRule]:
    """Rules of a TDMRep ``tdmrep.json`` file. A malformed file raises ConfigError naming it.

    A broken rights file is a configuration problem, not a document problem: the pipeline cannot
    know what the rightholder reserved, so it stops before any work.
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid JSON: {exc}", file=uri) from exc
    if not isinstance(data, list):
        raise ConfigError("a tdmrep.json file must be a JSON array of rules (TDMRep section 3.3)", file=uri)
    rules: list[TdmRule] = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("location"), str):
            raise ConfigError("each rule must be an object with a string 'location'", file=uri, key=f"[{i}]")
        value = item.get("tdm-reservation")
        if value not in (0, 1, "0", "1", True, False):
            raise ConfigError(f"'tdm-reservation' must be 0 or 1, not {value!r}", file=uri, key=f"[{i}]")
        policy = item.get("tdm-policy")
        rules.append(TdmRule(item["location"], str(int(value)) == "1", str(policy) if policy else None))
    return rules


def _pattern_regex(location: str) -> re.Pattern[str]:
    anchored = location.endswith("$")
    body = location[:-1] if anchored else location
    regex = "".join(".*" if c == "*" else re.escape(c) for c in body)
    return re.compile("^" + regex + ("$" if anchored else ""))


def match_rule(rules: list[TdmRule], path: str) -> TdmRule | None:
    """The rule that applies to ``path`` (absolute URL path such as ``/texts/a.html``), or None.

    Robots-style precedence: the longest matching ``location`` wins.
    """
    if not path.startswith("/"):
        path = "/" + path
    best: TdmRule | None = None
    for rule in rules:
        if _pattern_regex(rule.location).match(path) and (best is None or len(rule.location) > len(best.location)):
            best = rule
    return best


_META = re.compile(rb"<meta\b[^>]*?\bname\s*=\s*[\"']?tdm-(reservation|policy)[\"']?[^>]*>", re.IGNORECASE | re.DOTALL)
_CONTENT = re.compile(rb"\bcontent\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)


def html_reservation(head: bytes) -> tuple[bool, str | None]:
    """(reserved, policy) from the ``tdm-reservation`` / ``tdm-policy`` meta elements of an HTML head.

    A regular expression over the raw bytes (the elements are ASCII): the file may be a fragment
    or not well-formed, and only these two elements matter.
    """
    reserved = False
    policy: str | None = None
    for m in _META.finditer(head):
        c = _CONTENT.search(m.group(0))
        if not c:
            continue
        value = next(g for g in c.groups() if g is not None).decode("utf-8", "replace").strip()
        if m.group(1).lower() == b"reservation":
            reserved = value == "1"
        else:
            policy = value or None
    return reserved, policy


def _is_file(path: str) -> bool:
    """A file at ``path`` (a local path or a URI, as the source's inputs)."""
    return os.path.isfile(fsutil.local_path(path)) if fsutil.is_local(path) else fsutil.exists(path)


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "yes"}


def reservation_for_spec(spec: SourceSpec, files: list[str] | None = None) -> TdmReservation | None:
    """The TDM reservation that applies to ``spec``, or None.

    Looks at, in order: ``spec.tdm_reserved``; ``options.tdm_reservation`` (the contributor's
    record); a TDMRep sidecar given as ``options.tdmrep`` (path, relative to ``spec.root``) or found
    at ``<spec.root>/.well-known/tdmrep.json``, matched against each input's path relative to the
    root; for HTML formats, the head of every input file. One reserved file refuses the whole
    source (the detail says how many): split the source to keep the rest.

    The inputs are the files the run reads: ``files`` when the caller has listed them already,
    else :func:`altedic.sources.files.list_source` (the run's own listing: a ``**`` matches at
    any depth, as when the files are read).
    """
    if spec.tdm_reserved:
        return TdmReservation(
            f"source '{spec.name}' carries a text-and-data-mining reservation",
            f"tdm reservation recorded on {spec.origin or 'the source'}",
        )
    if _truthy(spec.options.get("tdm_reservation", False)):
        return TdmReservation(
            f"the contributor recorded a text-and-data-mining opt-out for source '{spec.name}'",
            f"options.tdm_reservation in {spec.origin or 'the source'}",
        )
    from altedic.sources.files import relative

    sidecar = spec.options.get("tdmrep")
    sidecar_path: str | None = None
    if sidecar:
        sidecar_path = sidecar if os.path.isabs(sidecar) or "://" in sidecar else fsutil.join(spec.root, sidecar)
        if not _is_file(sidecar_path):
            raise ConfigError(
                f"the TDMRep file {sidecar_path} does not exist", file=spec.origin or None, key="options.tdmrep"
            )
    else:
        candidate = fsutil.join(spec.root, ".well-known", "tdmrep.json")
        if _is_file(candidate):
            sidecar_path = candidate
    if files is None:
        from altedic.sources.files import list_source

        files = list_source(spec).files
    if sidecar_path is not None:
        rules = parse_tdmrep_json(fsutil.read_bytes(sidecar_path), sidecar_path)
        reserved: list[tuple[str, TdmRule]] = []
        for path in files:
            rel = relative(path, spec.root).replace(os.sep, "/")
            rule = match_rule(rules, "/" + rel)
            if rule is not None and rule.reserved:
                reserved.append((rel, rule))
        if reserved:
            rel, rule = reserved[0]
            policy = f"; a licence may be offered under {rule.policy}" if rule.policy else ""
            return TdmReservation(
                f"tdm-reservation 1 applies to {len(reserved)} of {len(files)} files (first: {rel}, "
                f"rule location '{rule.location}'){policy}",
                f"TDMRep {sidecar_path}",
                rule.policy,
            )
    if spec.format in HTML_FORMATS and spec.options.get("tdm_scan_html", True):
        for path in files:
            with fsutil.open_read(path) as f:
                head = f.read(HTML_HEAD_BYTES)
            reserved_flag, policy_url = html_reservation(head)
            if reserved_flag:
                rel = relative(path, spec.root).replace(os.sep, "/")
                extra = f"; tdm-policy {policy_url}" if policy_url else ""
                return TdmReservation(
                    f"HTML meta tdm-reservation=1 in {rel}{extra}",
                    f'<meta name="tdm-reservation"> in {path}',
                    policy_url,
                )
    return None


__all__ = [
    "HTML_FORMATS",
    "TdmReservation",
    "TdmRule",
    "html_reservation",
    "match_rule",
    "parse_tdmrep_json",
    "reservation_for_spec",
]
