"""Where a server password comes from: keyring, PGPASSWORD, ~/.pgpass or a prompt.

The keyring is a real backend (keyrings.alt's file keyring, in the test's
private data folder), the server a real PostgreSQL with SCRAM passwords.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from server_team import Team

from framing_app.core.errors import AuthenticationNeeded
from framing_app.services.server_identity import server_identity
from framing_app.services.server_login import (
    forget_password,
    open_server,
    remember_password,
    stored_password,
)


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[PlaintextKeyring]:
    """A real keyring backend writing under the test's folder (not the user's)."""
    previous = keyring.get_keyring()
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_libpq_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))


def plain_url(team: Team, login: str) -> str:
    """The URL a person types: no password in it."""
    return f"postgresql://{login}@{team.server.host}:{team.server.port}/{team.database}"


def login_of(project: object) -> str:
    identity = server_identity(project)  # type: ignore[arg-type]
    assert identity is not None
    return identity.login


@pytest.mark.usefixtures("no_libpq_password", "file_keyring")
def test_without_any_password_the_login_fails_in_one_line(team: Team) -> None:
    ann = team.coders[0]
    with pytest.raises(AuthenticationNeeded, match="cannot log in") as refused:
        open_server(plain_url(team, ann))
    assert "\n" not in str(refused.value)


@pytest.mark.usefixtures("file_keyring")
def test_pgpassword_and_pgpass_are_used_as_libpq_does(
    team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ann, bob = team.coders
    monkeypatch.setenv("PGPASSWORD", team.passwords[ann])
    with open_server(plain_url(team, ann)) as project:
        assert login_of(project) == ann
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(
        f"{team.server.host}:{team.server.port}:{team.database}:{bob}:{team.passwords[bob]}\n"
    )
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with open_server(plain_url(team, bob)) as project:
        assert login_of(project) == bob


@pytest.mark.usefixtures("no_libpq_password")
@pytest.mark.usefixtures("file_keyring")
def test_a_prompted_password_is_kept_only_when_allowed_and_replaced_when_it_changes(
    team: Team,
) -> None:
    ann = team.coders[0]
    url = plain_url(team, ann)
    asked: list[str] = []
    answers = iter(["wrong", team.passwords[ann]])

    def prompt(location: str) -> str | None:
        asked.append(location)
        return next(answers)

    with open_server(url, prompt) as project:
        assert login_of(project) == ann
    assert asked == [url, url]  # the location shown, never with a password
    assert stored_password(url) is None  # not allowed to keep it
    with open_server(url, lambda _l: team.passwords[ann], remember=True) as project:
        assert login_of(project) == ann
    assert stored_password(url) == team.passwords[ann]
    # From the keyring, without asking.
    with open_server(url) as project:
        assert login_of(project) == ann
    # A kept password the server no longer takes: asked again, and the new one kept.
    remember_password(url, "outdated")
    with open_server(url, lambda _l: team.passwords[ann]) as project:
        assert login_of(project) == ann
    assert stored_password(url) == team.passwords[ann]
    forget_password(url)
    assert stored_password(url) is None


@pytest.mark.usefixtures("no_libpq_password", "file_keyring")
def test_a_typed_password_is_tried_first_and_three_wrong_ones_give_up(team: Team) -> None:
    ann = team.coders[0]
    url = plain_url(team, ann)
    with open_server(url, password=team.passwords[ann], remember=True) as project:
        assert login_of(project) == ann
    assert stored_password(url) == team.passwords[ann]
    forget_password(url)
    tries: list[str] = []

    def wrong(location: str) -> str:
        tries.append(location)
        return "wrong"

    with pytest.raises(AuthenticationNeeded, match="not logged in"):
        open_server(url, wrong)
    assert len(tries) == 3
    with pytest.raises(AuthenticationNeeded, match="not logged in"):
        open_server(url, lambda _l: None)  # cancelled
