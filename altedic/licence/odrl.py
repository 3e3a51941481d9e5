"""ODRL policies (W3C ODRL Information Model 2.2) from data-space connectors and DCAT ``odrl:hasPolicy``.

The pipeline understands a small, explicit part of ODRL (the ``odrl:`` section of
``licences.yaml``); anything else refuses the source with a reason that names it:

* a **prohibition** of an action that building a training corpus needs (``use``, ``reproduce``,
  ``extract``, TDMRep's ``tdm:mine``...) -> ``licence.odrl_prohibited``; of ``commercialize`` ->
  ``licence.non_commercial``; of a harmless action (``print``, ``play``...) -> ignored; of any
  other action -> ``licence.odrl_unknown_constraint``;
* a **constraint** (on a rule, or an action refinement) with a left operand other than
  ``purpose``, ``dateTime`` and ``spatial``, or an operator the evaluator does not implement ->
  ``licence.odrl_unknown_constraint`` (ODRL 2.2 section 2.5: a constraint that cannot be evaluated
  means the rule cannot be exercised);
* a **duty** other than ``attribute``/``inform`` (the pipeline carries attribution) ->
  ``licence.odrl_unknown_constraint``;
* a policy ``profile`` other than TDMRep's -> ``licence.odrl_unknown_constraint`` (ODRL 2.2
  section 2.1: a processor that does not understand a profile must not process the policy);
* otherwise the source is allowed iff some **permission** has a covering action (``use`` includes
  the others, ODRL vocabulary ``odrl:includedIn``) and all its constraints are satisfied for a
  corpus-building purpose in the EU/EEA at the reference date; else ``licence.odrl_prohibited``
  ("nothing permits it": in ODRL what is not permitted is not allowed).

The input is a policy in JSON-LD compact form (``{"uid": ..., "permission": [{"action": "use",
"constraint": [...]}]}``), with or without ``odrl:`` prefixes or full IRIs, or a graph node
converted by :func:`policy_from_graph`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from altedic.licence.policy import policy_data

ODRL_NS = "http://www.w3.org/ns/odrl/2/"
TDMREP_NS = "http://www.w3.org/ns/tdmrep#"
#: Profiles the evaluator understands (TDMRep's ODRL profile only adds the tdm:mine action).
KNOWN_PROFILES = frozenset({"http://www.w3.org/ns/tdmrep", TDMREP_NS, "https://www.w3.org/ns/tdmrep", "tdm"})

_UNDERSTOOD_OPERANDS = ("purpose", "datetime", "spatial")
_PREFIXES = ("odrl:", ODRL_NS, "http://www.w3.org/ns/odrl/2#")


@dataclass(frozen=True)
class OdrlResult:
    """Outcome of evaluating one policy."""

    allowed: bool
    reason: str | None
    detail: str
    evidence: str
    uid: str


class _Refusal(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def term(value: Any) -> str:
    """The local name of an ODRL term: ``{"@id": "odrl:use"}``, ``"http://www.w3.org/ns/odrl/2/use"`` -> ``use``.

    TDMRep terms keep their prefix (``tdm:mine``). Other IRIs are returned unchanged.
    """
    if isinstance(value, dict):
        value = value.get("@id", value.get("@value", value.get("id", "")))
    s = str(value).strip()
    for p in _PREFIXES:
        if s.startswith(p):
            return s[len(p) :]
    if s.startswith(TDMREP_NS):
        return "tdm:" + s[len(TDMREP_NS) :]
    return s


def _get(node: dict[str, Any], key: str) -> Any:
    for k in (key, f"odrl:{key}", ODRL_NS + key):
        if k in node:
            return node[k]
    return None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, dict) and "@list" in value:
        return list(value["@list"])
    return list(value) if isinstance(value, list) else [value]


def _values(value: Any) -> list[str]:
    out: list[str] = []
    for v in _list(value):
        if isinstance(v, dict) and "@value" in v:
            out.append(str(v["@value"]))
        else:
            out.append(term(v))
    return out


def _country(v: str) -> str:
    """``http://publications.europa.eu/resource/authority/country/DEU`` -> ``DEU``; ``de`` -> ``DE``."""
    return v.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].upper()


def _parse_date(v: str) -> date:
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).date()
    except ValueError:
        return date.fromisoformat(v[:10])


def _eval_constraint(c: Any, ref: date, purposes: frozenset[str]) -> tuple[bool, str]:
    """(satisfied, description) of one constraint; raises _Refusal when it is not understood."""
    if not isinstance(c, dict):
        raise _Refusal("licence.odrl_unknown_constraint", f"constraint {c!r} is not an object")
    for logical in ("and", "or", "xone", "andSequence"):
        operands = _get(c, logical)
        if operands is not None:
            results = [_eval_constraint(x, ref, purposes) for x in _list(operands)]
            desc = f" {logical} ".join(d for _, d in results)
            if logical in ("and", "andSequence"):
                return all(ok for ok, _ in results), f"({desc})"
            if logical == "or":
                return any(ok for ok, _ in results), f"({desc})"
            return sum(ok for ok, _ in results) == 1, f"({desc})"
    left = term(_get(c, "leftOperand") or "")
    op = term(_get(c, "operator") or "")
    right = _values(_get(c, "rightOperand"))
    desc = f"{left} {op} {', '.join(right)}"
    if left.casefold() not in _UNDERSTOOD_OPERANDS:
        raise _Refusal(
            "licence.odrl_unknown_constraint",
            f"ODRL constraint '{desc}' is not understood (left operand '{left}'; understood: purpose, dateTime, spatial)",
        )
    ops_set = {"eq", "isAnyOf", "isA", "isPartOf", "neq", "isNoneOf"}
    if left.casefold() == "datetime":
        if op not in {"lt", "lteq", "gt", "gteq", "eq"} or len(right) != 1:
            raise _Refusal(
                "licence.odrl_unknown_constraint",
                f"ODRL constraint '{desc}': operator '{op}' is not understood for dateTime",
            )
        try:
            bound = _parse_date(right[0])
        except ValueError:
            raise _Refusal(
                "licence.odrl_unknown_constraint", f"ODRL constraint '{desc}': '{right[0]}' is not a date"
            ) from None
        ok = {"lt": ref < bound, "lteq": ref <= bound, "gt": ref > bound, "gteq": ref >= bound, "eq": ref == bound}[op]
        return ok, desc
    if op not in ops_set:
        raise _Refusal(
            "licence.odrl_unknown_constraint", f"ODRL constraint '{desc}': operator '{op}' is not understood for {left}"
        )
    if left.casefold() == "purpose":
        hits = {v.casefold() for v in right} & purposes
    else:
        allowed = policy_data().odrl.get("spatial_ok", frozenset())
        hits = {_country(v).casefold() for v in right} & allowed
    positive = op in {"eq", "isAnyOf", "isA", "isPartOf"}
    return (bool(hits) if positive else not hits), desc


def _constraints(rule: dict[str, Any]) -> list[Any]:
    found = _list(_get(rule, "constraint"))
    action = _get(rule, "action")
    for a in _list(action):
        if isinstance(a, dict):
            found.extend(_list(_get(a, "refinement")))
    return found


def _actions(rule: dict[str, Any]) -> list[str]:
    out = []
    for a in _list(_get(rule, "action")):
        if isinstance(a, dict) and ("rdf:value" in a or "value" in a):
            out.append(term(a.get("rdf:value", a.get("value"))))
        else:
            out.append(term(a))
    return out


def _check_duties(rule: dict[str, Any], understood: frozenset[str], where: str) -> None:
    for duty in _list(_get(rule, "duty")) + _list(_get(rule, "obligation")):
        acts = _actions(duty) if isinstance(duty, dict) else [term(duty)]
        for a in acts:
            if a.casefold() not in understood:
                raise _Refusal(
                    "licence.odrl_unknown_constraint",
                    f"ODRL duty '{a}' ({where}) cannot be fulfilled by the pipeline (it fulfils: attribute, inform)",
                )


def evaluate(policy: dict[str, Any], reference_date: date, purposes: frozenset[str] | None = None) -> OdrlResult:
    """Evaluate ``policy`` for building a training corpus (see the module docstring).

    ``reference_date`` is the date ``dateTime`` constraints are compared with; ``purposes`` the
    purposes the corpus serves (default: ``odrl.corpus_purposes`` of ``licences.yaml``).
    Never raises for a policy it does not understand: that is a refusal with a reason.
    """
    vocab = policy_data().odrl
    use_purposes = purposes if purposes is not None else vocab.get("corpus_purposes", frozenset())
    uid = term(_get(policy, "uid") or policy.get("@id") or "policy") if isinstance(policy, dict) else "policy"
    evidence = f"ODRL policy {uid}"
    try:
        if not isinstance(policy, dict):
            raise _Refusal("licence.odrl_unknown_constraint", "the ODRL policy is not a JSON object")
        for profile in _values(_get(policy, "profile")):
            if profile.rstrip("/#") not in {p.rstrip("/#") for p in KNOWN_PROFILES}:
                raise _Refusal("licence.odrl_unknown_constraint", f"ODRL profile '{profile}' is not understood")
        _check_duties(policy, vocab.get("understood_duties", frozenset()), "policy obligation")
        for rule in _list(_get(policy, "prohibition")):
            if not isinstance(rule, dict):
                raise _Refusal("licence.odrl_unknown_constraint", f"prohibition {rule!r} is not an object")
            applies = True
            descs = []
            for c in _constraints(rule):
                ok, d = _eval_constraint(c, reference_date, use_purposes)
                applies = applies and ok
                descs.append(d)
            if not applies:
                continue  # a prohibition limited to a context the corpus is not in
            where = f" when {'; '.join(descs)}" if descs else ""
            for action in _actions(rule):
                a = action.casefold()
                if a in vocab.get("refusing_prohibitions", frozenset()):
                    raise _Refusal("licence.odrl_prohibited", f"ODRL policy {uid} prohibits '{action}'{where}")
                if a in vocab.get("non_commercial_prohibitions", frozenset()):
                    raise _Refusal(
                        "licence.non_commercial", f"ODRL policy {uid} prohibits '{action}' (non-commercial use only)"
                    )
                if a not in vocab.get("harmless_prohibitions", frozenset()):
                    raise _Refusal(
                        "licence.odrl_unknown_constraint",
                        f"ODRL policy {uid} prohibits '{action}', an action the pipeline does not understand",
                    )
        granted: str | None = None
        seen: list[str] = []
        for rule in _list(_get(policy, "permission")):
            if not isinstance(rule, dict):
                raise _Refusal("licence.odrl_unknown_constraint", f"permission {rule!r} is not an object")
            actions = _actions(rule)
            results = [_eval_constraint(c, reference_date, use_purposes) for c in _constraints(rule)]
            _check_duties(rule, vocab.get("understood_duties", frozenset()), f"permission '{', '.join(actions)}'")
            desc = ", ".join(actions) + (f" when {'; '.join(d for _, d in results)}" if results else "")
            seen.append(desc)
            covering = [a for a in actions if a.casefold() in vocab.get("covering_actions", frozenset())]
            if covering and all(ok for ok, _ in results) and granted is None:
                granted = desc
        if granted is None:
            found = "; ".join(f"'{s}'" for s in seen) if seen else "none"
            raise _Refusal(
                "licence.odrl_prohibited",
                f"ODRL policy {uid} permits nothing that covers building a training corpus (permissions: {found})",
            )
        return OdrlResult(True, None, f"ODRL policy {uid} permits '{granted}'", evidence, uid)
    except _Refusal as r:
        return OdrlResult(False, r.reason, r.detail, evidence, uid)


_RULE_KEYS = frozenset({"permission", "prohibition", "obligation", "duty", "constraint", "refinement"})


def policy_from_graph(graph: Any, node: Any, _depth: int = 0) -> dict[str, Any]:
    """An rdflib node of an ODRL policy as a JSON-LD-like dict that :func:`evaluate` reads.

    Properties become keys by local name (``permission``, ``action``, ``constraint``...), IRIs
    become ``{"@id": iri}``, literals strings, blank nodes nested dicts (depth-limited to 8, the
    ODRL structure is at most policy > rule > constraint > logical operands).
    """
    from rdflib import RDF, BNode, Literal
    from rdflib.collection import Collection

    out: dict[str, Any] = {}
    if not isinstance(node, BNode):
        out["uid"] = str(node)
    for p, o in sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
        key = "@type" if p == RDF.type else term(str(p)).rsplit("#", 1)[-1]
        value: Any
        if isinstance(o, Literal):
            value = str(o)
        elif isinstance(o, BNode) and (o, RDF.first, None) in graph:
            value = [
                policy_from_graph(graph, x, _depth + 1)
                if isinstance(x, BNode)
                else (str(x) if isinstance(x, Literal) else {"@id": str(x)})
                for x in Collection(graph, o)
            ]
        elif _depth < 8 and (isinstance(o, BNode) or (key in _RULE_KEYS and (o, None, None) in graph)):
            # Blank nodes, and named rules/constraints described in the same graph, are nested.
            value = policy_from_graph(graph, o, _depth + 1)
        else:
            value = {"@id": str(o)}
        if key in out:
            prev = out[key]
            out[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[key] = value
    return out


__all__ = ["OdrlResult", "evaluate", "policy_from_graph", "term"]
