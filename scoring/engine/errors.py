"""The one exception the engine raises for bad input."""

from __future__ import annotations

from collections.abc import Sequence


class EngineValidationError(ValueError):
    """Bad engine input. Raised before any computation starts.

    ``errors`` lists every problem found as ``(field, message)``; ``field`` is the
    first one (a path such as ``lines[3].magnitude``). ``str(error)`` reads
    ``"lines[3].magnitude: must be in (0, 1], got 1.4"``, followed by the other
    problems, separated by semicolons.
    """

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        if not errors:
            raise ValueError("EngineValidationError needs at least one error")
        self.errors: list[tuple[str, str]] = list(errors)
        self.field: str = self.errors[0][0]
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors))

    def by_field(self) -> dict[str, list[str]]:
        """The problems grouped by field, in order (the shape of a field-level 400)."""
        grouped: dict[str, list[str]] = {}
        for name, message in self.errors:
            grouped.setdefault(name, []).append(message)
        return grouped
