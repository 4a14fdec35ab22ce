"""``deskcli ring NUMBER``: tell the console this analyst has open that the phone rings.

The console writes the loopback port and a token it listens on to a private file in
the data folder when it starts; this posts a ``newCall`` event there (the same shape
a phone system sends to ``cti.listen``). With no console open, it says so and exits 1.
"""

from __future__ import annotations

import json
import secrets
import sys
import urllib.error
import urllib.request
from urllib.parse import urlencode

import click

NOT_RUNNING = 1


@click.command()
@click.argument("number")
@click.option("--hang-up", "call_id", metavar="CALL_ID", default=None,
              help="Instead of ringing, say that the call CALL_ID (printed when it rang) has ended.")
def ring(number: str, call_id: str | None) -> None:
    """Ring the open console with a call from NUMBER (prints the call's id)."""
    from deskcli.config import paths
    from deskcli.config.launch import looks_like_phone

    if call_id is None and not looks_like_phone(number):
        click.echo(f"deskcli: error: NUMBER: expected a phone number, e.g. 020 7946 0000 (got {number!r}).", err=True)
        sys.exit(2)
    control = paths.data_dir() / "console.json"
    try:
        found = json.loads(control.read_text(encoding="utf-8"))
        port, token = int(found["port"]), str(found["token"])
    except (OSError, ValueError, KeyError, TypeError):
        click.echo("deskcli: no console is open for you on this machine (start deskcli first).", err=True)
        sys.exit(NOT_RUNNING)
    fields = {"event": "hangup", "callId": call_id} if call_id else {
        "event": "newCall", "from": number.strip(), "direction": "in", "callId": f"ring-{secrets.token_hex(6)}",
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/cti", data=urlencode(fields).encode(), method="POST",
        headers={"X-Deskcli-Token": token, "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            answer.read()
    except urllib.error.HTTPError as error:
        message = json.loads(error.read() or b"{}").get("message", error.reason)
        click.echo(f"deskcli: the console refused it: {message}", err=True)
        sys.exit(2)
    except (urllib.error.URLError, OSError):
        click.echo("deskcli: no console is open for you on this machine (start deskcli first).", err=True)
        sys.exit(NOT_RUNNING)
    click.echo(f"Rang the console: {number} (call id {fields['callId']})" if not call_id else f"Call {call_id} ended.")
