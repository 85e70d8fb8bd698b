"""Before Qt starts: a missing display, X server or system library is one line, not an abort."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from framing_app.gui.platform_check import (
    missing_libraries,
    missing_libraries_message,
    unreachable_x_display,
)


def _free_display_number() -> int:
    for number in range(170, 400):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    pytest.skip("no free X display number under /tmp/.X11-unix")


@pytest.fixture
def library_needing_an_absent_one(tmp_path: Path) -> Path:
    """A real shared object linked against a library that is then removed."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.skip("needs a C compiler to build a shared object with a missing dependency")
    (tmp_path / "absent.c").write_text("int absent(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int absent(void);\nint plugin(void) { return absent(); }\n")
    subprocess.run(
        [gcc, "-shared", "-fPIC", "-o", tmp_path / "libframingabsent.so", tmp_path / "absent.c"],
        check=True,
    )
    plugin = tmp_path / "libplugin.so"
    subprocess.run(
        [
            gcc,
            "-shared",
            "-fPIC",
            "-o",
            plugin,
            tmp_path / "plugin.c",
            f"-L{tmp_path}",
            "-Wl,--no-as-needed",
            "-lframingabsent",
        ],
        check=True,
    )
    (tmp_path / "libframingabsent.so").unlink()
    return plugin


def test_ldd_names_the_library_the_loader_cannot_find(library_needing_an_absent_one: Path) -> None:
    if shutil.which("ldd") is None:
        pytest.skip("ldd is not installed")
    assert missing_libraries(library_needing_an_absent_one) == ["libframingabsent.so"]


def test_the_message_names_libraries_and_debian_packages() -> None:
    message = missing_libraries_message(
        ["libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libz.so.9"]
    )
    assert message.startswith("the coding window cannot start: Qt's X11 support needs ")
    assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0" in message
    assert "the packages providing libz.so.9" in message
    assert "\n" not in message


@pytest.fixture
def listening_x_socket() -> Iterator[str]:
    """A Unix socket where an X server of a free display number would listen."""
    number = _free_display_number()
    folder = Path("/tmp/.X11-unix")
    try:
        folder.mkdir(exist_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(folder / f"X{number}"))
    except OSError as error:
        pytest.skip(f"cannot listen under /tmp/.X11-unix: {error}")
    server.listen(1)
    try:
        yield f":{number}"
    finally:
        server.close()
        (folder / f"X{number}").unlink(missing_ok=True)


def test_a_display_with_a_server_is_reachable(listening_x_socket: str) -> None:
    assert unreachable_x_display(listening_x_socket) is None


def test_a_display_without_a_server_is_named() -> None:
    number = _free_display_number()
    assert unreachable_x_display(f":{number}") == (
        f"no X server answers on display :{number} (DISPLAY)"
    )
    assert unreachable_x_display(f"unix:{number}.0") is not None


def test_a_tcp_display_is_tried_on_its_port() -> None:
    with socket.socket() as server:
        for number in range(150, 400):
            try:
                server.bind(("127.0.0.1", 6000 + number))
                break
            except OSError:
                continue
        else:
            pytest.skip("no free port from 6150")
        server.listen(1)
        assert unreachable_x_display(f"127.0.0.1:{number}") is None
    assert "cannot be reached" in (unreachable_x_display(f"127.0.0.1:{number}") or "")


def test_an_unreachable_display_is_one_line_not_an_abort(tmp_path: Path) -> None:
    """Qt itself aborts with status 134 (a core dump) on such a display."""
    env = {k: v for k, v in os.environ.items() if k not in {"WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env.update(
        DISPLAY=f":{_free_display_number()}",
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "framing_app", "--project", str(tmp_path / "p.sqlite")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    # Where the xcb libraries are missing (a minimal CI machine) that is said first.
    assert lines[0].startswith("framing-app: error: the coding window cannot start: ")
    assert "Traceback" not in result.stderr
