"""Read a text file line by line, so that a bad byte is reported with its line number.

Data files from the web (parallel corpora, caption lists) are often large and sometimes
damaged; "line 48,213: byte 0xe9 is not valid UTF-8" is an error a student can act on,
"UnicodeDecodeError at position 3,912,881" is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from course_utils.errors import DatasetError


def numbered_lines(path: Path, encoding: str, fix: str) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, text) for every line; ``fix`` ends the bad-bytes error.

    Line ends (``\\n`` or ``\\r\\n``) and a byte-order mark at the start are removed. The
    file is split as bytes, which is right for ASCII-compatible encodings (UTF-8, Latin-1).
    """
    for number, raw in enumerate(Path(path).read_bytes().split(b"\n"), start=1):
        try:
            text = raw.decode(encoding).rstrip("\r")
        except UnicodeDecodeError as err:
            raise DatasetError(
                f"{path}, line {number}: byte {raw[err.start]:#04x} (byte {err.start} of the "
                f"line) is not valid {encoding}; {fix}"
            ) from None
        if number == 1:
            text = text.removeprefix("\ufeff")  # a byte-order mark that Windows tools write
        yield number, text
