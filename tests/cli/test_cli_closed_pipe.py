"""Output into a pipe whose reader has gone (``framing-app export ... | head -1``).

Unix tools end quietly with status 128 + SIGPIPE when the next stage of a
pipeline stops reading; a Python program instead gets BrokenPipeError and,
left alone, prints a traceback. The reader here closes its end before the
command writes anything, so every write the command makes fails.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_harness import Cli


@pytest.mark.parametrize(
    "command",
    [
        ["export", "annotations"],
        ["export", "answers"],
        ["articles", "--tsv"],
        ["labels"],
    ],
    ids=["export-annotations", "export-answers", "articles", "labels"],
)
def test_a_closed_pipe_ends_the_command_quietly(coded_cli: Cli, command: list[str]) -> None:
    before = coded_cli.snapshot()
    process = subprocess.Popen(
        [sys.executable, "-m", "framing_app", *map(str, coded_cli.project_args()), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=coded_cli.env,
        cwd=coded_cli.root,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    status = process.wait(timeout=120)
    assert "Traceback" not in stderr
    assert stderr == ""
    assert status == 141
    assert coded_cli.snapshot() == before
