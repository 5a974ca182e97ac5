"""Exceptions the course raises on bad input.

Each message says what went wrong and how to fix it, so a student can act on it
without reading the source.
"""


class CourseError(Exception):
    """Base class for every error the course raises on purpose."""


class DatasetError(CourseError):
    """A corpus or data file is missing, empty, corrupt or too short."""


class VocabError(CourseError, KeyError):
    """A token is not in the vocabulary, or a vocabulary file is invalid."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class ShapeError(CourseError, ValueError):
    """A tensor has the wrong shape, dtype or length for the function it was passed to."""


class CheckpointError(CourseError):
    """A checkpoint is missing, corrupt, or belongs to another model or vocabulary."""


class TrainingError(CourseError):
    """Training cannot continue (for example the loss became NaN or infinite)."""
