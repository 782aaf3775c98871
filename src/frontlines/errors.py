"""The error catalogue: every failure frontlines reports has a code, a class and a hint.

Codes are stable (users grep for them); the CLI turns a ``FrontlinesError`` into a
one-line message with its code and exits 1 (2 for usage errors).
"""

from __future__ import annotations


class FrontlinesError(Exception):
    """Base class: ``code`` identifies the failure, ``hint`` tells the user what to do."""

    code = "E000"
    hint = ""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        msg = f"[{self.code}] {self.args[0]}"
        return f"{msg} ({self.hint})" if self.hint else msg


class InputError(FrontlinesError):
    """An input could not be read; the batch skips it and goes on."""

    code = "E100"


class EmptyInput(InputError):
    code = "E101"
    hint = "the file has no text after cleaning"


class BinaryInput(InputError):
    code = "E102"
    hint = "frontlines reads text, HTML, JSON(L) and CSV files"


class EncodingError(InputError):
    code = "E103"
    hint = "save the file as UTF-8"


class BadRecord(InputError):
    code = "E104"
    hint = "each JSON line needs a 'text' or 'html' field"


class UnsupportedFormat(InputError):
    code = "E105"
    hint = "use .txt, .html, .htm, .json, .jsonl or .csv"


class MissingInput(InputError):
    code = "E106"
    hint = "check the path"


class InputTooLarge(InputError):
    code = "E107"
    hint = "split the input: ingest.MAX_FILE_BYTES a file, ingest.MAX_ARTICLE_CHARS an article"


class NotAFile(InputError):
    """A FIFO, device or socket: never opened (reading one may block or never end)."""

    code = "E108"
    hint = "frontlines reads regular files and folders only"


class BadLink(InputError):
    """A symbolic link that loops, dangles, or names a folder (folders are not followed)."""

    code = "E109"
    hint = "fix the link, or give its target itself"


class PermissionDenied(InputError):
    code = "E110"
    hint = "check the file's or folder's permissions"


class UnsupportedLanguage(InputError):
    code = "E111"
    hint = "frontlines reads English articles only, for now"


class ProcessingFailed(InputError):
    """An unexpected error while processing one article: that article is skipped."""

    code = "E112"
    hint = "a bug in frontlines: report it with the input"


class NotStored(InputError):
    """The store refused one processed article's rows: that article is skipped."""

    code = "E113"
    hint = "a bug in frontlines: report it with the input"


class BadMetadata(InputError):
    code = "E114"
    hint = "title, url and outlet are text; published is a date (YYYY-MM-DD) between 1980 and 2100"


class GazetteerError(FrontlinesError):
    code = "E200"


class GazetteerImportError(GazetteerError):
    code = "E201"
    hint = "give a GeoNames dump (SY.txt, allCountries.txt) or a CSV with name,lat,lon,admin1[,admin2,country]"


class LexiconError(FrontlinesError):
    """A data file (actors, event lexicon, thresholds) is malformed."""

    code = "E300"


class StoreError(FrontlinesError):
    code = "E400"


class SchemaTooNew(StoreError):
    code = "E401"
    hint = "upgrade frontlines to read this database"


class ExportError(FrontlinesError):
    code = "E500"


class MissingExtra(FrontlinesError):
    """An optional dependency is not installed."""

    code = "E600"
