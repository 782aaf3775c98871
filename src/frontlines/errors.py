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


class NotALedger(StoreError):
    """``--db`` names a file that is not a frontlines ledger (not SQLite, or someone else's)."""

    code = "E402"
    hint = "give --db a ledger that `frontlines run` wrote, or a new file name for a new one"


class LedgerNotFound(StoreError):
    """A command that only reads was given a ledger that does not exist (none is created)."""

    code = "E403"
    hint = "run `frontlines run INPUT --db PATH` first, or check the path"


class LedgerBusy(StoreError):
    """Another run holds the ledger's writer lock (one writer per ledger at a time)."""

    code = "E404"
    hint = "let the other run finish, then run again"


class ExportError(FrontlinesError):
    code = "E500"


class MissingExtra(FrontlinesError):
    """An optional dependency is not installed."""

    code = "E600"
