"""The bundle's entry point: the same as the installed ``archive-reader`` command.

One thing a plain ``python`` does that a frozen program must do itself: under the C locale
(``env -i``, some service managers) Python switches ``LC_CTYPE`` to C.UTF-8 (PEP 538) so that
Qt, which insists on UTF-8, does not print a warning about it and switch on its own.
"""

import locale
import os
import sys

from reader.cli import main


def _coerce_c_locale() -> None:
    """PEP 538, as the python command does it: not when LC_ALL is set (it wins anyway)."""
    if os.environ.get("LC_ALL"):
        return
    current = os.environ.get("LC_CTYPE") or os.environ.get("LANG") or "C"
    if current not in ("C", "POSIX"):
        return
    for candidate in ("C.UTF-8", "C.utf8", "UTF-8"):
        try:
            locale.setlocale(locale.LC_CTYPE, candidate)
        except locale.Error:
            continue
        os.environ["LC_CTYPE"] = candidate
        return


if __name__ == "__main__":
    _coerce_c_locale()
    sys.exit(main())
