"""What a page says after a redirect — a confirmation (`done`) or a refusal's reason (`error`) — carried in the URL
with the server's MAC beside it (`<name>_mac`), so that only words this server wrote are shown: a link made elsewhere
(`/admin?done=系统升级，请把密码发给…`) would otherwise have this site show any words as its own success or refusal
(autoescaped, so no markup, but a convincing message)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from rexian.adapters.keys import keyring_for

NOTICES = ("done", "error")


def _digest(name: str, text: str) -> str:
    return f"notice:{name}:{text}"


def with_notices(engine: Any, url: str, **params: str) -> str:
    """`url` with `params` added; each of NOTICES among them signed."""
    if not params:
        return url
    ring = keyring_for(engine)
    signed: dict[str, str] = {}
    for name, value in params.items():
        signed[name] = value
        if name in NOTICES:
            signed[f"{name}_mac"] = ring.sign(_digest(name, value))
    return url + ("&" if "?" in url else "?") + urlencode(signed)


def notice(engine: Any, params: Any, name: str) -> str | None:
    """The notice `name` of a request's query, when the server wrote it (its MAC holds); otherwise None."""
    text = params.get(name)
    if not text:
        return None
    if keyring_for(engine).problem(_digest(name, text), params.get(f"{name}_mac")) is not None:
        return None
    return text
