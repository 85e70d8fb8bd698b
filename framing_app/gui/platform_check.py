"""Checking, before Qt starts, that a window can open here at all.

Qt aborts the whole process (exit status 134, a core dump) when its platform
plugin cannot be loaded: no display, or on X11 a system library that Qt's xcb
plugin links against and a minimal Linux system lacks (libxcb-cursor0 is the
usual one). These checks turn that into one line saying what to install.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo

# Debian/Ubuntu packages of the libraries Qt 6's xcb plugin needs and minimal
# systems lack (from `ldd` on libqxcb.so of PySide6 6.11); a library missing
# from this table is named by its file name only.
DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}


def missing_display() -> str | None:
    """Why no window can open here, or None: Qt would otherwise abort the process."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the coding window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
        "the commands work without one: framing-app --help"
    )


def unreachable_x_display(display: str) -> str | None:
    """Why the X server *display* names cannot be reached, or None when it answers.

    Qt aborts the process when it cannot connect; this tries the same
    connection first. ``:N`` (or ``unix:N``) is the local socket
    ``/tmp/.X11-unix/XN``, which Linux X servers also offer in the abstract
    namespace; ``host:N`` is TCP port 6000 + N (X Window System Protocol,
    "Connection Setup"). A display string this does not understand is left to Qt.
    """
    host, _, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if not number.isdigit():
        return None
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        for address in ("\0" + path, path):
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                    probe.settimeout(2)
                    probe.connect(address)
                    return None
            except OSError:
                continue
        return f"no X server answers on display {display} (DISPLAY)"
    try:
        with socket.create_connection((host, 6000 + int(number)), timeout=3):
            return None
    except OSError as error:
        return f"the X server of display {display} cannot be reached ({error.strerror or error})"


def uses_xcb() -> bool:
    """Whether Qt will load its X11 (xcb) platform plugin here."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":", 1)[0] == "xcb"
    wayland = os.environ.get("WAYLAND_DISPLAY") and os.environ.get("XDG_SESSION_TYPE") == "wayland"
    return bool(os.environ.get("DISPLAY")) and not wayland


def xcb_plugin() -> Path:
    """The xcb platform plugin of the Qt that PySide6 ships."""
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    return plugins / "platforms" / "libqxcb.so"


def missing_libraries(binary: Path) -> list[str]:
    """The shared libraries *binary* needs (directly or not) that the loader cannot find.

    Asks ``ldd``, which lists the whole dependency tree; an empty list when
    ``ldd`` is not there or cannot read the file (the check then stays silent
    rather than stop a program that may well start).
    """
    ldd = shutil.which("ldd")
    if ldd is None or not binary.exists():
        return []
    try:
        listing = subprocess.run(
            [ldd, str(binary)], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    missing = []
    for line in listing.splitlines():
        name, _, where = line.strip().partition("=>")
        if where.strip() == "not found" and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def missing_libraries_message(missing: list[str]) -> str:
    """One line: which libraries are missing and how to install them on Debian/Ubuntu."""
    packages = sorted({DEBIAN_PACKAGES[name] for name in missing if name in DEBIAN_PACKAGES})
    unknown = [name for name in missing if name not in DEBIAN_PACKAGES]
    advice = []
    if packages:
        advice.append(f"on Debian/Ubuntu: sudo apt-get install {' '.join(packages)}")
    if unknown:
        advice.append(f"also install the packages providing {', '.join(unknown)}")
    return (
        f"the coding window cannot start: Qt's X11 support needs {', '.join(missing)}, "
        f"which this system lacks; {'; '.join(advice)} "
        "(the commands work without them: framing-app --help)"
    )


def window_problem() -> str | None:
    """Why the coding window cannot open here, in one line, or None when it can."""
    problem = missing_display()
    if problem is not None or not uses_xcb():
        return problem
    missing = missing_libraries(xcb_plugin())
    if missing:
        return missing_libraries_message(missing)
    unreachable = unreachable_x_display(os.environ.get("DISPLAY", ""))
    if unreachable is not None:
        return (
            f"the coding window cannot start: {unreachable}; "
            "the commands work without a display: framing-app --help"
        )
    return None
