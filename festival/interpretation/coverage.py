"""Who understands a session: the pure rule (issue 11, item 6).

A person is covered at a session when they speak one of its languages (its
floor languages, else the festival's) or one the host's interpretation
offers there; otherwise their delegation's own interpreter covers them, if
that interpreter speaks one of their languages and one of the session's and
may enter. At a session for mayors only, nobody's own interpreter may enter:
a mayor who speaks none of the session's languages is then uncovered unless
the host offers their language. The host's interpreters assigned to a
session are staff: admitted whatever the audience.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache


def norm(languages: Iterable[str] | None) -> list[str]:
    """Language codes trimmed, lower-case, sorted, without repeats."""
    return sorted({code.strip().lower() for code in languages or () if code and code.strip()})


@lru_cache(maxsize=4096)
def _spoken(languages: tuple[str, ...]) -> frozenset[str]:
    # The same few lists come back for every session: normalised once.
    return frozenset(norm(languages))


@dataclass(frozen=True)
class Attendee:
    """Someone expected at the session, as far as languages go."""

    delegate_id: int
    name: str
    city: str
    delegation_id: int
    languages: Sequence[str]
    is_mayor: bool = False


@dataclass(frozen=True)
class OwnInterpreter:
    """A delegation's own interpreter (a delegate)."""

    delegation_id: int
    name: str
    languages: Sequence[str]


@dataclass(frozen=True)
class Uncovered:
    """Someone nobody interprets for at the session."""

    attendee: Attendee
    # Their own interpreter would cover them but may not enter (mayors only).
    interpreter_kept_out: str | None = None


@dataclass
class Coverage:
    """A session's languages: needed, offered, and who is left uncovered."""

    floor: list[str]  # the languages spoken at the session
    offered: list[str]  # what the host's interpretation offers
    interpreters: list[tuple[str, list[str]]]  # host interpreters: (name, languages)
    attendees: int = 0
    # Languages of the people who speak none of the floor languages, with how many each.
    needed: list[tuple[str, int]] = field(default_factory=list)
    by_own_interpreter: list[Attendee] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    # Offered languages no assigned host interpreter speaks.
    unstaffed: list[str] = field(default_factory=list)

    @property
    def uncovered_mayors(self) -> list[Uncovered]:
        return [u for u in self.uncovered if u.attendee.is_mayor]

    @property
    def has_gaps(self) -> bool:
        return bool(self.uncovered or self.unstaffed)


def interpreters_by_delegation(
    own_interpreters: Iterable[OwnInterpreter],
) -> dict[int, list[OwnInterpreter]]:
    """Delegations' own interpreters grouped by delegation."""
    grouped: dict[int, list[OwnInterpreter]] = {}
    for interpreter in own_interpreters:
        grouped.setdefault(interpreter.delegation_id, []).append(interpreter)
    return grouped


def session_coverage(
    *,
    floor: Iterable[str],
    offered: Iterable[str],
    restricted: bool,
    attendees: Iterable[Attendee],
    own_interpreters: Iterable[OwnInterpreter] | Mapping[int, Sequence[OwnInterpreter]],
    host_interpreters: Iterable[tuple[str, Iterable[str]]] = (),
) -> Coverage:
    """The coverage of one session (pure: plain values in, a Coverage out).

    ``floor``: the session's languages; ``offered``: what the host
    interprets into; ``restricted``: a session for mayors only, where
    delegations' own interpreters may not enter. ``own_interpreters`` may
    come grouped already (``by_delegation``): a page of many sessions groups
    them once rather than once per session.
    """
    floor_set = set(norm(floor))
    offered_list = norm(offered)
    understood = floor_set | set(offered_list)
    hosts = [(name, norm(langs)) for name, langs in host_interpreters]
    by_delegation = (
        own_interpreters
        if isinstance(own_interpreters, Mapping)
        else interpreters_by_delegation(own_interpreters)
    )
    needed: Counter[str] = Counter()
    result = Coverage(sorted(floor_set), offered_list, hosts)
    for person in attendees:
        result.attendees += 1
        spoken = _spoken(tuple(person.languages))
        if not spoken or spoken & floor_set:
            continue  # languages unknown, or they follow the floor
        needed.update(spoken)
        if spoken & understood:
            continue  # the host interprets into one of theirs
        own = next(
            (
                i
                for i in by_delegation.get(person.delegation_id, [])
                if spoken & _spoken(tuple(i.languages)) and floor_set & _spoken(tuple(i.languages))
            ),
            None,
        )
        if own is not None and not restricted:
            result.by_own_interpreter.append(person)
        else:
            kept_out = own.name if own is not None else None
            result.uncovered.append(Uncovered(person, kept_out))
    result.needed = sorted(needed.items(), key=lambda kv: (-kv[1], kv[0]))
    staffed = {code for _name, langs in hosts for code in langs}
    result.unstaffed = [code for code in offered_list if code not in staffed]
    result.uncovered.sort(key=lambda u: (not u.attendee.is_mayor, u.attendee.city, u.attendee.name))
    return result
