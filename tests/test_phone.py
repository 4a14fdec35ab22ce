"""The phone system pops the caller into the running console: real HTTP against the
running app, ``deskcli ring`` from a shell, and bad events refused without a change."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from textual.widgets import Input

from console import console, ready, seed, settle, with_runtime
from deskcli.config import paths
from deskcli.models import Call, CustomerCreate
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.home import HomeScreen

pytestmark = pytest.mark.usefixtures("analyst_profile")

SIOBHAN = CustomerCreate(name="Siobhan O'Neill", organisation="Northwind", phones=["020 7946 0000"])
TOKEN = "s3cret-phone"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post(port: int, fields: dict[str, str], *, token: str | None = None, raw: bytes | None = None) -> tuple[int, str]:
    """POST a phone event; the HTTP status and the message."""
    if token is not None:
        fields = {**fields, "token": token}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/cti", data=raw if raw is not None else urlencode(fields).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())["message"]
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())["message"]


async def until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


@pytest.fixture
def phone_port(monkeypatch: pytest.MonkeyPatch) -> int:
    """The phone system's address, set in the settings with its token."""
    port = free_port()
    monkeypatch.setenv("DESKCLI_CTI__LISTEN", f"127.0.0.1:{port}")
    monkeypatch.setenv("DESKCLI_CTI__TOKEN", TOKEN)
    return port


def calls_in(db_path, clock) -> list[Call]:
    from sqlmodel import select

    def read(runtime):
        with runtime.store.read() as session:
            return list(session.exec(select(Call)))

    return with_runtime(db_path, clock, read)


async def test_a_new_call_puts_the_caller_on_screen_and_hangup_records_the_talk(db_path, clock, phone_port):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        status, _ = await asyncio.to_thread(
            post, phone_port, {"event": "newCall", "from": "+44 20 7946 0000", "to": "200", "direction": "in", "callId": "c-1", "user": "ann"},
            token=TOKEN,
        )
        assert status == 200
        assert await until(lambda: app.flow.view is not None and app.flow.view.customer.name == "Siobhan O'Neill")
        assert isinstance(app.screen, GreetingScreen)
        status, _ = await asyncio.to_thread(post, phone_port, {"event": "answer", "callId": "c-1"}, token=TOKEN)
        assert status == 200
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        summary = app.screen.query_one("#summary", Input)
        summary.focus()
        status, _ = await asyncio.to_thread(post, phone_port, {"event": "hangup", "callId": "c-1"}, token=TOKEN)
        assert status == 200
        assert await until(lambda: app.flow.view is not None and app.flow.view.call.talk_ended_at is not None)
        assert isinstance(app.screen, AssessmentScreen) and app.screen.focused is summary  # not pulled away
    [call] = calls_in(db_path, clock)
    assert call.talk_ended_at is not None


async def test_an_unknown_number_opens_the_new_customer_form_with_it(db_path, clock, phone_port):
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await asyncio.to_thread(post, phone_port, {"event": "newCall", "from": "020 7946 0555", "callId": "c-2"}, token=TOKEN)
        assert await until(lambda: isinstance(app.screen, GreetingScreen) and app.screen.form.mode == "new")
        assert app.screen.query_one("#new-phone", Input).value == "020 7946 0555"


async def test_a_call_ringing_mid_call_only_says_so(db_path, clock, phone_port):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await asyncio.to_thread(post, phone_port, {"event": "newCall", "from": "020 7946 0000", "callId": "c-3"}, token=TOKEN)
        assert await until(lambda: app.flow.call_id is not None)
        current, screen, focused = app.flow.call_id, app.screen, app.screen.focused
        await asyncio.to_thread(post, phone_port, {"event": "newCall", "from": "020 7946 0777", "callId": "c-4"}, token=TOKEN)
        assert await until(lambda: any("Incoming call from 020 7946 0777" in n.message for n in app.notices.current()))
        assert app.flow.call_id == current and app.screen is screen and app.screen.focused is focused
        await asyncio.to_thread(post, phone_port, {"event": "hangup", "callId": "c-4"}, token=TOKEN)
        assert await until(lambda: any("rang off" in n.message for n in app.notices.current()))
        assert app.flow.call_id == current
    assert len(calls_in(db_path, clock)) == 1


async def test_bad_events_are_refused_and_change_nothing(db_path, clock, phone_port):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        good = {"event": "newCall", "from": "020 7946 0000", "callId": "x-1"}
        cases = [
            ({**good}, "nope", 401),
            ({**good}, None, 401),
            ({**good, "event": "transfer"}, TOKEN, 400),
            ({"event": "newCall", "callId": "x-2"}, TOKEN, 400),
            ({"event": "newCall", "from": "020 7946 0000"}, TOKEN, 400),
            ({**good, "direction": "sideways"}, TOKEN, 400),
            ({"event": "hangup", "callId": "never-rang"}, TOKEN, 404),
            ({**good, "from": "9" * 500}, TOKEN, 400),
        ]
        for fields, token, expected in cases:
            status, message = await asyncio.to_thread(post, phone_port, fields, token=token)
            assert status == expected, (fields, status, message)
            assert message
        status, message = await asyncio.to_thread(post, phone_port, {}, raw=b"event=newCall&" + b"x" * 10_000)
        assert status == 413
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen) and app.flow.call_id is None

        def burst() -> list[int]:
            return [post(phone_port, {"event": "newCall", "from": "020 7946 0000", "callId": f"b-{n}"}, token=TOKEN)[0] for n in range(1000)]

        started = time.monotonic()
        statuses = await asyncio.to_thread(burst)
        took = time.monotonic() - started
        accepted = statuses.count(200)
        # The bucket's burst plus what its rate refills while the burst is being sent
        # (a loaded machine sends 1,000 requests in seconds, not milliseconds).
        allowed = 5 + app.runtime.settings.cti.events_per_second * took + 1
        assert accepted <= allowed and statuses.count(429) >= 1000 - allowed, (accepted, took, set(statuses))
        assert set(statuses) <= {200, 429}
        status, _ = await asyncio.to_thread(post, phone_port, {"event": "newCall", "from": "020 7946 0000", "callId": "b-0"}, token=TOKEN)
        assert status == 409  # a call already announced is not announced twice
        await settle(app, pilot)
    assert len(calls_in(db_path, clock)) <= 1  # the first accepted call at most: nobody else got a record


@pytest.mark.slow
async def test_deskcli_ring_reaches_the_open_console_and_says_when_there_is_none(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    env = dict(os.environ)
    command = [sys.executable, "-m", "deskcli", "ring", "020 7946 0000"]
    nobody = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert nobody.returncode == 1 and "no console is open" in nobody.stderr
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        assert (paths.data_dir() / "console.json").stat().st_mode & 0o777 == 0o600
        rang = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
        assert rang.returncode == 0, rang.stderr
        assert await until(lambda: app.flow.view is not None and app.flow.view.customer.name == "Siobhan O'Neill", 10)
    assert not (paths.data_dir() / "console.json").exists()  # gone with the console
