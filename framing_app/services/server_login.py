"""Connecting to a team server: where the password comes from, never a plain-text file of ours.

In the order PostgreSQL users expect, first one that works:

1. a password written in the URL (possible, not recommended: shells keep history);
2. the system keyring (macOS Keychain, Windows Credential Locker, Secret
   Service on Linux, through the ``keyring`` library), if the person let
   framing-app keep it there;
3. what libpq finds by itself: ``PGPASSWORD``, ``~/.pgpass`` (or
   ``PGPASSFILE``), a client certificate named in the URL (``sslcert``,
   ``sslkey``), or a server that trusts the login;
4. a prompt, when there is someone to ask (a terminal, a dialog).

The keyring entry is named by the URL without its password
(``postgresql://ann@dbhost:5432/framing``): one entry per login and database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import keyring
from keyring.errors import KeyringError

from framing_app.core.errors import AuthenticationNeeded
from framing_app.services.project import Project
from framing_app.store.engine import public_url, url_has_password, with_password

KEYRING_SERVICE = "framing-app"
# Wrong passwords typed before giving up, as psql's own prompt does not but ssh does.
PROMPTS = 3

# Asked for the password of a URL (shown without password); None: the person cancelled.
PasswordPrompt = Callable[[str], str | None]


def keyring_key(url: str) -> str:
    return public_url(url)


def stored_password(url: str) -> str | None:
    """The password kept for *url* in the system keyring, or None (none kept, no keyring)."""
    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_key(url))
    except (KeyringError, RuntimeError):
        return None


def remember_password(url: str, password: str) -> bool:
    """Keep *password* for *url* in the system keyring; False when there is no usable keyring."""
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_key(url), password)
    except (KeyringError, RuntimeError):
        return False
    return True


def forget_password(url: str) -> None:
    with contextlib.suppress(KeyringError, RuntimeError):  # nothing kept, or no keyring
        keyring.delete_password(KEYRING_SERVICE, keyring_key(url))


def open_server(
    url: str,
    prompt: PasswordPrompt | None = None,
    *,
    password: str | None = None,
    remember: bool = False,
) -> Project:
    """Open the server project at *url*, finding the password as the module says.

    *password* (typed in a connect dialog) is tried first. With *remember*,
    a password that was typed or asked for and that worked is kept in the
    system keyring; a kept password that the server refuses is not used
    again silently: the prompt is asked, and a new one that works replaces it.
    """
    if url_has_password(url):
        return Project.open(url=url)  # a password in the URL: the person chose it
    kept = stored_password(url)
    given = [password] if password is not None else []
    for attempt in (*given, kept):
        if attempt is None and (given or kept is not None):
            continue  # libpq's own sources come only when nothing was given or kept
        try:
            project = Project.open(url=url if attempt is None else with_password(url, attempt))
        except AuthenticationNeeded:
            if prompt is None and attempt is kept:
                raise
            continue
        if attempt is not None and attempt is not kept and remember:
            remember_password(url, attempt)
        return project
    if prompt is None:
        raise AuthenticationNeeded(f"{public_url(url)}: the server refused the password")
    for _attempt in range(PROMPTS):
        typed = prompt(public_url(url))
        if typed is None:
            break
        try:
            project = Project.open(url=with_password(url, typed))
        except AuthenticationNeeded:
            continue
        if remember or kept is not None:
            remember_password(url, typed)  # kept: the old one no longer works
        return project
    raise AuthenticationNeeded(f"{public_url(url)}: not logged in; nothing was opened")
