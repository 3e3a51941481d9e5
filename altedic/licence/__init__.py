"""Licence policy: normalisation of licence ids, the allow/deny decision, ODRL and TDM reservations.

Use :func:`altedic.licence.policy.decide` for a source and :func:`~altedic.licence.policy.decide_row`
for a table row's own licence. The allow list and the normalisation table are data
(``licences.yaml`` next to this file), reviewed like code.
"""
