"""The one error type of the authoring package: a list of located problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..core.errors import PublisherError


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with an input file, located for a clerk."""

    file: str
    where: str  # "row 7", "results[3].categories", "" for the whole file
    message: str
    rule: str = ""
    article: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        loc = f"{self.file}: {self.where}: " if self.where else f"{self.file}: "
        tail = (f" [{self.rule}]" if self.rule else "") + (f" ({self.article})" if self.article else "")
        return f"{loc}{self.message}{tail}"


class InputError(PublisherError, ValueError):
    """Refusal of an input; carries every problem found (at least one)."""

    MAX_SHOWN: ClassVar[int] = 50

    def __init__(self, problems: Sequence[InputProblem]):
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = tuple(problems)
        lines = [str(p) for p in self.problems[: self.MAX_SHOWN]]
        if len(self.problems) > self.MAX_SHOWN:
            lines.append(f"... and {len(self.problems) - self.MAX_SHOWN} more problem(s)")
        super().__init__("\n".join(lines))

    @classmethod
    def one(cls, file: str, where: str, message: str, rule: str = "", article: str = "") -> InputError:
        return cls([InputProblem(file, where, message, rule, article)])
