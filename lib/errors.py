"""Exceptions with messages a user can act on.

Every error that concerns one input file names that file, so that in a batch
the report says which file failed and why while the others go in.
"""

from __future__ import annotations


class CoverageError(Exception):
    """Base class of the project's errors."""


class ConfigError(CoverageError):
    """A setting (an environment variable or a command-line option) that cannot be used; the message names it."""


class SchemaError(CoverageError):
    """A table does not have the columns or dtypes the schema declares."""


class ToneError(CoverageError):
    """The tone lexicon or model cannot be used."""


class ArticleError(CoverageError):
    """One input article cannot be read or analysed."""

    #: Short machine-readable reason, e.g. ``"empty"`` or ``"binary"``.
    reason = "invalid"

    def __init__(self, file: str, message: str):
        self.file = file
        self.message = message
        super().__init__(f"{file}: {message}")

    def __reduce__(self):
        # rebuilt from (file, message), so it crosses to and from worker processes
        return (type(self), (self.file, self.message), self.__dict__)


class EmptyArticleError(ArticleError):
    reason = "empty"


class BinaryFileError(ArticleError):
    reason = "binary"


class DecodeError(ArticleError):
    reason = "undecodable"


class OnlyBoilerplateError(ArticleError):
    reason = "only_boilerplate"


class TooLargeError(ArticleError):
    reason = "too_large"


class UnsupportedFormatError(ArticleError):
    reason = "unsupported"


class InvalidFieldError(ArticleError):
    """A metadata field (date, title, source…) that cannot be right, e.g. a date that does not exist."""

    reason = "invalid_field"
