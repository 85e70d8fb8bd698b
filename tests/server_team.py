"""A project on the test server with a team of real login roles: a lead and two coders.

Roles belong to the whole PostgreSQL cluster, not to one database, so every
team gets names of its own (``ann_3``, ``bob_3``, ``lea_3``); their
passwords are random. Everything is made through ``server init`` and
``server add-coder`` / ``add-lead``, as a lab's lead would.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

from pg_server import TestServer
from server_databases import ServerDatabases

from framing_app.services.server_admin import add_login, init_server

_teams = itertools.count(1)


@dataclass
class Team:
    server: TestServer
    database: str
    lead: str
    coders: tuple[str, str]
    passwords: dict[str, str]

    def url(self, login: str | None = None) -> str:
        """The project's URL as *login* (the superuser who ran ``server init`` by default)."""
        if login is None:
            return self.server.url(self.database)
        return self.server.url(self.database, login, self.passwords[login])

    def conninfo(self, login: str) -> str:
        return self.server.conninfo(self.database, login, self.passwords[login])


def make_team(databases: ServerDatabases) -> Team:
    """A new empty database made a project by ``server init``, with a lead and two coders."""
    number = next(_teams)
    database = databases.create_empty()
    server = databases.server
    init_server(server.url(database))
    lead, ann, bob = (f"{name}_{number}" for name in ("lea", "ann", "bob"))
    passwords = {login: secrets.token_hex(8) for login in (lead, ann, bob)}
    add_login(server.url(database), lead, passwords[lead], lead=True)
    for coder in (ann, bob):
        add_login(server.url(database), coder, passwords[coder], lead=False)
    return Team(server, database, lead, (ann, bob), passwords)
