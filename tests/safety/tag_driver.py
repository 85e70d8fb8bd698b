"""A tagging burst in its own process: the safety tests run it, kill it, and run it side by side.

Usage::

    python tag_driver.py PROJECT CODER ARTICLE LABEL FIRST STEP LENGTH COUNT [GO_FILE]

PROJECT is a project file, or a server database's URL
(``postgresql://LOGIN@HOST:PORT/DB``, the password in ``PGPASSWORD``, as a
coder gives it; on a server CODER is that login).

Tags ``COUNT`` spans of article ``ARTICLE`` for ``CODER`` with ``LABEL``: span
``j`` runs from ``FIRST + j * STEP`` to that plus ``LENGTH``. Each tag is one
call of :func:`framing_app.services.tagging.annotate`, that is one committed
transaction, exactly as the coding window makes it. After each call returns,
the driver prints ``ID START END`` and flushes: a line on stdout is an
acknowledged action, so a test that kills the driver knows what it was
promised. It prints ``ready`` once the project is open (and, given
``GO_FILE``, waits for that file to exist before tagging, so that several
drivers start their bursts together) and ``done`` at the end.

A failure (a :class:`~framing_app.core.errors.FramingError` such as
"database is locked") goes to stderr as one line and ends the driver with
status 1, so the tests see it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from framing_app.core.errors import FramingError
from framing_app.services.project import Project
from framing_app.services.tagging import annotate


def main(argv: list[str]) -> int:
    where, coder, article, label = argv[:4]
    first, step, length, count = (int(value) for value in argv[4:8])
    go_file = Path(argv[8]) if len(argv) > 8 else None
    try:
        opened = Project.open(url=where) if "://" in where else Project.open(path=Path(where))
        with opened as project:
            print("ready", flush=True)
            while go_file is not None and not go_file.exists():
                time.sleep(0.005)
            for j in range(count):
                start = first + j * step
                info = annotate(
                    project,
                    coder=coder,
                    article=article,
                    label=label,
                    start=start,
                    end=start + length,
                )
                print(f"{info.id} {info.start} {info.end}", flush=True)
    except FramingError as error:
        print(f"tag_driver: error: {error}", file=sys.stderr)
        return 1
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
