"""Who should take a ticket: engineers ranked by skill, open workload and region, with the reasons why."""
from dataclasses import dataclass

SENIOR_PRIORITIES = frozenset({"P1", "P2"})


@dataclass(frozen=True)
class Candidate:
    """An engineer as the ranking sees them; `open_jobs` counts their open assigned tickets."""

    id: int
    name: str
    is_senior: bool = False
    skills: tuple[str, ...] = ()
    region: str | None = None
    open_jobs: int = 0


@dataclass(frozen=True)
class Suggestion:
    engineer: Candidate
    eligible: bool  # False: a junior for a P1/P2 ticket
    knows: bool  # trained on the ticket's product category
    same_region: bool
    category: str | None
    region: str | None  # the customer's region

    @property
    def open_jobs(self) -> int:
        return self.engineer.open_jobs


def needs_senior(priority: str | None) -> bool:
    return priority in SENIOR_PRIORITIES


def rank(candidates, *, category: str | None, region: str | None, priority: str | None) -> list[Suggestion]:
    """Eligible engineers first, then who knows the product, then the lighter workload, then the same region."""
    suggestions = [
        Suggestion(engineer=c, eligible=c.is_senior or not needs_senior(priority),
                   knows=bool(category) and category in (c.skills or ()),
                   same_region=bool(region) and c.region == region, category=category, region=region)
        for c in candidates
    ]
    return sorted(suggestions, key=lambda s: (not s.eligible, not s.knows, s.open_jobs, not s.same_region,
                                              s.engineer.name, s.engineer.id))


def best(suggestions: list[Suggestion]) -> Suggestion | None:
    """The default choice: the top eligible engineer, if any."""
    return next((s for s in suggestions if s.eligible), None)
