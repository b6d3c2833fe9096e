"""Errors the workflow answers with. Each names the rule it enforces, so a refusal can be looked up."""

from __future__ import annotations


class WorkflowError(Exception):
    """A command was refused; nothing was written. `rule` is a stable code, `message` is for people."""

    kind = "refused"

    def __init__(self, rule: str, message: str):
        super().__init__(f"[{rule}] {message}")
        self.rule = rule
        self.message = message


class NotAllowed(WorkflowError):
    """The actor lacks the role, or acts for the wrong unit."""

    kind = "not_allowed"


class WrongState(WorkflowError):
    """The ticket (or request, order, forward) is not in a state where this command applies."""

    kind = "wrong_state"


class MissingField(WorkflowError):
    """A required field is empty or invalid."""

    kind = "missing_field"


class DeadlinePassed(WorkflowError):
    """The command came after the time limit for it."""

    kind = "deadline_passed"


class NotFound(WorkflowError):
    """A ticket, unit, person, category or request that the command names does not exist."""

    kind = "not_found"


class Conflict(WorkflowError):
    """Someone else changed the ticket first; reload and try again."""

    kind = "conflict"


class InvalidInput(Exception):
    """Input that cannot even be acted on — an unknown word, a database that does not exist, a port in use.
    Told in one line (no traceback); `kind` selects the exit code and HTTP status (vocabulary.REFUSALS)."""

    kind = "invalid"
