"""The figures the safety tests collect, and the summary line the README quotes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# What each kill scenario is called in the summary (plural), by the key the tests count under.
KILL_SCENARIOS = {
    "article import": "article imports",
    "annotation import": "annotation imports",
    "tagging burst": "tagging bursts",
    "upgrade": "upgrades",
    "project creation": "project creations",
    "backup": "backups",
    "restore": "restores",
}


@dataclass
class SafetyFigures:
    """What the safety tests inflicted and the project survived; counted only after the checks."""

    kills: Counter[str] = field(default_factory=Counter)  # scenario -> kills survived
    # (processes, actions acknowledged by each, backend) of each concurrent run
    # whose every acknowledged action was found stored exactly once.
    concurrent_runs: list[tuple[int, int, str]] = field(default_factory=list)
    bad_inputs_tried: int = 0
    bad_inputs_refused: int = 0

    def kill_survived(self, scenario: str) -> None:
        self.kills[scenario] += 1

    def summary(self) -> str | None:
        """One line for the end of the run, or None when no safety test counted anything."""
        parts = []
        if self.kills:
            scenarios = ", ".join(
                f"{n} {KILL_SCENARIOS.get(name, name)}" for name, n in sorted(self.kills.items())
            )
            parts.append(f"{sum(self.kills.values())} kills survived ({scenarios})")
        for processes, actions, backend in self.concurrent_runs:
            parts.append(
                f"{processes} processes x {actions} actions stored exactly once ({backend})"
            )
        if self.bad_inputs_tried:
            refused = f"{self.bad_inputs_refused} bad inputs refused"
            if self.bad_inputs_refused != self.bad_inputs_tried:
                refused += f" (of {self.bad_inputs_tried} tried)"
            parts.append(refused)
        return f"data safety: {', '.join(parts)}" if parts else None
