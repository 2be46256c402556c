"""One tree of errors. A user error carries the exit code and a one-line message for the CLI."""


class SpytraceError(Exception):
    """Base of every error spytrace raises on purpose."""

    exit_code = 2


class UserError(SpytraceError):
    """Something the user handed in or asked for cannot be used; shown as one line, exit 2."""


class UnsupportedAcquisition(UserError):
    """The path is not an acquisition spytrace recognises, or its type is not supported yet."""


class WrongPassword(UserError):
    """The password does not unlock the encrypted acquisition."""


class PasswordRequired(UserError):
    """The acquisition is encrypted and no password was given."""


class OutputExists(UserError):
    """The output folder is not empty and --force was not given."""


class EvidenceError(SpytraceError):
    """One evidence file cannot be read; the scan records it in coverage and goes on."""


class UnsafeArchiveMember(EvidenceError):
    """An archive member would land outside the extraction folder, or is too large."""


class FeedError(SpytraceError):
    """One indicator file cannot be read; the rest of the feeds still load."""
