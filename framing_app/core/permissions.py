"""What only a project lead may do on a server, in the sentences a coder is told.

One wording for both ways a coder meets a limit: the program's own check
before it tries (an action disabled with the reason as its tooltip, a CLI
error) and the database's refusal when a client tries anyway (a
``permission denied`` or row-level security error, named by its table).
"""

from __future__ import annotations

import re
from enum import Enum


class LeadAction(Enum):
    CODEBOOK = "change the codebook"
    QUESTIONS = "change the article questions"
    ARTICLES = "import or delete articles"
    ASSIGN = "assign work"
    ADJUDICATE = "adjudicate (write the consensus coder)"
    SETTINGS = "change the project's settings"
    CODERS = "add, rename or remove coders"
    MERGE = "merge another project into this one"
    OTHERS_WORK = "import other coders' annotations"
    RESTORE = "restore the project from a backup"
    BACKUP = "back up the whole project"
    PUSH = "push a project file into the server"

    def refusal(self) -> str:
        return f"only a project lead can {self.value}"


# The table a refused statement wrote to -> the sentence for it.
_TABLE_ACTIONS = {
    "label": LeadAction.CODEBOOK,
    "question": LeadAction.QUESTIONS,
    "article": LeadAction.ARTICLES,
    "assignment": LeadAction.ASSIGN,
    "adjudication_decision": LeadAction.ADJUDICATE,
    "project_setting": LeadAction.SETTINGS,
    "coder": LeadAction.CODERS,
}
_OWN_ROWS = {
    "annotation": "annotations",
    "answer": "answers",
    "coding_status": "statuses",
}
_TABLE = re.compile(r'(?:for table|policy for table) "?([a-z_]+)"?')


def refusal_for_table(message: str) -> str:
    """The sentence for the database's refusal *message* (``permission denied for table x``)."""
    found = _TABLE.search(message)
    table = found.group(1) if found else ""
    if table in _TABLE_ACTIONS:
        return _TABLE_ACTIONS[table].refusal()
    if table in _OWN_ROWS:
        return (
            f"a coder can change only their own {_OWN_ROWS[table]} "
            "(the consensus coder's are the project lead's)"
        )
    return f"the server refused: {message}"


def refusal_for_stale_row(table: str) -> str:
    """The sentence when a change of one row of *table* reached no row."""
    rows = _OWN_ROWS.get(table)
    if rows is None:
        return "it was changed or deleted meanwhile; nothing was changed"
    return (
        f"it was deleted meanwhile, or it is another coder's (a coder can change only their "
        f"own {rows}); nothing was changed"
    )
