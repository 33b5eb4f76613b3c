"""Every error storyline raises on purpose, in one tree.

    StorylineError
    ├── InputError            a file or record cannot be read (names the file and the problem)
    ├── KnowledgeError        a knowledge file row is malformed (names the file and line)
    ├── ModelNotInstalledError  a language model package is missing (names the package)
    ├── StageError            a pipeline stage failed or broke its contract (names the stage)
    └── StoreError            the database cannot be opened or is from an unknown schema

Commands catch StorylineError and print its message; anything else is a bug.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose; ``where`` names the file, record or stage."""

    where: str = ""


class InputError(StorylineError):
    """A file or record that cannot be read; one bad input never stops a batch."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = self.where = path
        self.problem = problem


class KnowledgeError(StorylineError):
    """A malformed row in a knowledge file."""


class ModelNotInstalledError(StorylineError):
    """A language model package is not installed (storyline never downloads one)."""


class StageError(StorylineError):
    """A pipeline stage failed or returned something other than what it promised."""

    def __init__(self, stage: str, problem: str, document: str | None = None):
        where = f" on {document}" if document else ""
        super().__init__(f"stage {stage!r} failed{where}: {problem}")
        self.stage = stage
        self.problem = problem
        self.document = document
        self.where = document or f"stage {stage}"


class StoreError(StorylineError):
    """The store cannot be opened, or its schema is newer than this storyline."""
