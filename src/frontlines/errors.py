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


class ImportUnreadable(GazetteerImportError):
    """The import file cannot be opened or is not UTF-8 text."""

    code = "E202"
    hint = "give a UTF-8 text file: a GeoNames dump or a CSV/TSV place list"


class ImportMissingColumn(GazetteerImportError):
    """The place list has no column for a required field (name, lat, lon)."""

    code = "E203"
    hint = ("name the columns in a header (name/place/toponym, lat/latitude/y, lon/lng/longitude/x, ...) "
            "or give --columns name,lat,lon,admin1 for a file without one")


class ImportBadColumns(GazetteerImportError):
    """A ``--columns`` list names a field frontlines does not know."""

    code = "E204"
    hint = ("fields: name, lat, lon, admin1, admin2, country, population, feature, geonameid, "
            "alternatenames; skip for a column to ignore")


class LexiconError(FrontlinesError):
    """A data file (actors, event lexicon, thresholds) is malformed."""

    code = "E300"


class DataFileSyntax(LexiconError):
    """A data file is not valid YAML / TOML, or cannot be read."""

    code = "E301"
    hint = "fix the file at the line shown"


class UnknownDataKey(LexiconError):
    """A data file has a key its reader does not know (a misspelling would be ignored)."""

    code = "E302"


class DataFileValue(LexiconError):
    """A data file's value has the wrong shape or is not one of the accepted values."""

    code = "E303"


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


class ArgumentError(FrontlinesError):
    """An argument (a command-line option, a library call's filter) has a value frontlines
    cannot use; the CLI answers it as a usage error, exit status 2."""

    code = "E900"


class BadDate(ArgumentError):
    code = "E901"
    hint = "expected YYYY-MM-DD, YYYY-MM or YYYY"


class UnknownFilterValue(ArgumentError):
    """A filter names a value the ledger does not hold (``--where Atlantis``)."""

    code = "E902"


class BadCountry(ArgumentError):
    code = "E903"
    hint = "give an ISO 3166 alpha-3 code such as SYR (alpha-2 such as SY is accepted too)"


class UrlInput(ArgumentError):
    """A URL given as an input: frontlines reads local files only (it is offline)."""

    code = "E904"
    hint = "download the page first (e.g. curl -o page.html URL) and give the file"


class MissingExtra(FrontlinesError):
    """An optional dependency is not installed."""

    code = "E600"


class EditError(FrontlinesError):
    """An analyst's correction or retraction could not be made (``frontlines.corrections``)."""

    code = "E800"


class UnknownEvent(EditError):
    code = "E801"
    hint = "give an event_id from `frontlines export` or the map's event panel"


class BadCorrection(EditError):
    """A correction names an unknown field or gives a value the field cannot take: a usage
    error (the CLI exits 2), its message lists the accepted fields and forms."""

    code = "E802"
    usage = True


class UnknownArticle(EditError):
    code = "E803"
    hint = "give an article_id from `frontlines export` (mentions) or the map's article view"


class RetractionState(EditError):
    """Retracting an article already retracted, or undoing a retraction never made."""

    code = "E804"
