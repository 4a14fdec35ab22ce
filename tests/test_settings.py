"""Settings: precedence of flags, DESKCLI_* variables and the config file, and the
messages given when a setting is unknown or invalid."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from deskcli.config.settings import AnalystProfile, load_settings, save_analyst_profile
from deskcli.core.errors import SettingsError


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A config file path in this test's temporary folder (not created yet)."""
    return tmp_path / "config.toml"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- precedence ---------------------------------------------------------------------


def test_default_db_is_none(config: Path) -> None:
    """With no flag, variable or file entry, ``db`` defaults to None (the data dir)."""
    assert load_settings(config).db is None


def test_config_file_sets_db(config: Path) -> None:
    """A ``db`` entry in the config file is used when nothing else sets it."""
    config.write_text('db = "/from/file.db"\n')
    assert load_settings(config).db == Path("/from/file.db")


def test_env_var_beats_config_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DESKCLI_DB wins over the config file."""
    config.write_text('db = "/from/file.db"\n')
    monkeypatch.setenv("DESKCLI_DB", "/from/env.db")
    assert load_settings(config).db == Path("/from/env.db")


def test_flag_beats_env_var_and_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command-line flag wins over DESKCLI_DB and the config file."""
    config.write_text('db = "/from/file.db"\n')
    monkeypatch.setenv("DESKCLI_DB", "/from/env.db")
    assert load_settings(config, db=Path("/from/flag.db")).db == Path("/from/flag.db")


def test_absent_flag_does_not_hide_env_var(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A flag passed as None (not given) leaves the variable in force."""
    monkeypatch.setenv("DESKCLI_DB", "/from/env.db")
    assert load_settings(config, db=None).db == Path("/from/env.db")


def test_env_var_beats_config_file_for_timezone(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Precedence holds for other settings too: DESKCLI_TIMEZONE over the file's timezone."""
    config.write_text('timezone = "Europe/Paris"\nphone_region = "US"\n')
    monkeypatch.setenv("DESKCLI_TIMEZONE", "Europe/Berlin")
    settings = load_settings(config)
    assert settings.timezone == "Europe/Berlin"
    assert settings.phone_region == "US"


def test_nested_env_vars_make_analyst_profile(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DESKCLI_ANALYST__NAME and DESKCLI_ANALYST__DEPARTMENT build the AnalystProfile."""
    monkeypatch.setenv("DESKCLI_ANALYST__NAME", "Ann Jones")
    monkeypatch.setenv("DESKCLI_ANALYST__DEPARTMENT", "Help Desk")
    analyst = load_settings(config).analyst
    assert isinstance(analyst, AnalystProfile)
    assert (analyst.name, analyst.department) == ("Ann Jones", "Help Desk")


def test_nested_env_var_overrides_one_field_of_file_profile(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A nested variable overrides one field of the file's [analyst] table, keeping the rest."""
    config.write_text('[analyst]\nname = "Ann Jones"\ndepartment = "Help Desk"\n')
    monkeypatch.setenv("DESKCLI_ANALYST__NAME", "Bob Smith")
    analyst = load_settings(config).analyst
    assert analyst is not None
    assert (analyst.name, analyst.department) == ("Bob Smith", "Help Desk")


# --- unknown settings ----------------------------------------------------------------


def test_unknown_config_key_names_key_file_and_suggestion(config: Path) -> None:
    """A misspelt key in the config file is refused, naming the key, the file and the close match."""
    config.write_text('tiemzone = "Europe/London"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    message = caught.value.message
    assert "tiemzone" in message
    assert str(config) in message
    assert "did you mean timezone" in message


def test_unknown_nested_config_key_suggests_nested_field(config: Path) -> None:
    """A misspelt key inside [smtp] is refused with a suggestion from the smtp fields."""
    config.write_text('[smtp]\nhost = "mail.example"\nsender = "desk@example.org"\nprot = 25\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    message = caught.value.message
    assert "smtp.prot" in message and str(config) in message
    assert "did you mean port" in message


def test_unknown_env_var_is_refused_with_its_name(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown DESKCLI_ variable is an error naming it (and the variable it resembles)."""
    monkeypatch.setenv("DESKCLI_DATBASE_URL", "sqlite:////tmp/x.db")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert "DESKCLI_DATBASE_URL" in caught.value.message
    assert "DESKCLI_DATABASE_URL" in caught.value.message


def test_unknown_nested_env_var_is_refused(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown nested variable (DESKCLI_SMTP__PROT) is refused, naming it."""
    monkeypatch.setenv("DESKCLI_SMTP__PROT", "25")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert "DESKCLI_SMTP__PROT" in caught.value.message


# --- invalid values ------------------------------------------------------------------


def test_wrong_type_in_env_var_names_variable(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DESKCLI_BUSY_TIMEOUT_MS=abc is refused, naming the variable and the bad value."""
    monkeypatch.setenv("DESKCLI_BUSY_TIMEOUT_MS", "abc")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert caught.value.message.startswith("DESKCLI_BUSY_TIMEOUT_MS")
    assert "'abc'" in caught.value.message


def test_wrong_type_in_config_file_names_entry_and_file(config: Path) -> None:
    """smtp.port = "x" in the file is refused as ``smtp.port in <file>``."""
    config.write_text('[smtp]\nhost = "mail.example"\nsender = "desk@example.org"\nport = "x"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert f"smtp.port in {config}" in caught.value.message


def test_out_of_range_value_is_refused(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A busy timeout beyond its limit is refused, naming the variable."""
    monkeypatch.setenv("DESKCLI_BUSY_TIMEOUT_MS", "-1")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert "DESKCLI_BUSY_TIMEOUT_MS" in caught.value.message


def test_bad_database_url_names_variable(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DESKCLI_DATABASE_URL that is not a URL is refused, naming the variable."""
    monkeypatch.setenv("DESKCLI_DATABASE_URL", "not a url")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert "DESKCLI_DATABASE_URL" in caught.value.message
    assert "not a database URL" in caught.value.message


def test_good_database_url_is_accepted(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A well-formed SQLAlchemy URL is kept as given."""
    monkeypatch.setenv("DESKCLI_DATABASE_URL", "sqlite:////srv/deskcli/deskcli.db")
    assert load_settings(config).database_url == "sqlite:////srv/deskcli/deskcli.db"


def test_bad_timezone_names_variable(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown IANA zone in DESKCLI_TIMEZONE is refused, naming the variable and value."""
    monkeypatch.setenv("DESKCLI_TIMEZONE", "Mars/Base")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert "DESKCLI_TIMEZONE" in caught.value.message
    assert "Mars/Base" in caught.value.message


def test_bad_timezone_in_file_names_entry_and_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown zone in the config file is refused as ``timezone in <file>``."""
    monkeypatch.delenv("DESKCLI_TIMEZONE")
    config.write_text('timezone = "Mars/Base"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert f"timezone in {config}" in caught.value.message


def test_bad_phone_region_names_variable(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown phone region is refused, naming DESKCLI_PHONE_REGION."""
    monkeypatch.setenv("DESKCLI_PHONE_REGION", "XX")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert "DESKCLI_PHONE_REGION" in caught.value.message
    assert "'XX'" in caught.value.message


def test_phone_region_is_normalised_to_upper_case(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lower-case region code is accepted and stored upper-case."""
    monkeypatch.setenv("DESKCLI_PHONE_REGION", "us")
    assert load_settings(config).phone_region == "US"


@pytest.mark.parametrize("prefix", ["hd", "HD1", "TOOLONG", "H D"])
def test_bad_reference_prefix_names_variable(config: Path, monkeypatch: pytest.MonkeyPatch, prefix: str) -> None:
    """A reference prefix that is not 1-6 capital letters is refused, naming the variable."""
    monkeypatch.setenv("DESKCLI_REFERENCE_PREFIX", prefix)
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert "DESKCLI_REFERENCE_PREFIX" in caught.value.message


def test_invalid_toml_names_file(config: Path) -> None:
    """A config file that is not valid TOML is an error naming the file."""
    config.write_text("db = \n[unclosed\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert str(config) in caught.value.message
    assert "not valid TOML" in caught.value.message


def test_missing_config_file_means_defaults(tmp_path: Path) -> None:
    """A config path that does not exist is an empty config, not an error."""
    settings = load_settings(tmp_path / "nowhere" / "config.toml")
    assert settings.reference_prefix == "HD"
    assert settings.sqlite_synchronous == "FULL"
    assert settings.sqlite_cache_kib == 1024


def test_sqlite_cache_size_is_a_setting_with_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKCLI_SQLITE_CACHE_KIB", "4096")
    assert load_settings(tmp_path / "none.toml").sqlite_cache_kib == 4096
    monkeypatch.setenv("DESKCLI_SQLITE_CACHE_KIB", "8")
    with pytest.raises(SettingsError, match="DESKCLI_SQLITE_CACHE_KIB: Input should be greater than or equal to 64"):
        load_settings(tmp_path / "none.toml")


# --- saving the analyst profile ------------------------------------------------------


def test_save_analyst_profile_private_file_and_folder(tmp_path: Path) -> None:
    """The saved config file is 0600 and the folders it creates are 0700."""
    config = tmp_path / "new" / "deskcli" / "config.toml"
    written = save_analyst_profile(AnalystProfile(name="Ann Jones", department="Help Desk"), config)
    assert written == config
    assert _mode(config) == 0o600
    assert _mode(config.parent) == 0o700
    assert _mode(config.parent.parent) == 0o700
    assert not config.with_suffix(".toml.tmp").exists()


def test_save_analyst_profile_keeps_other_settings(tmp_path: Path) -> None:
    """Saving the profile keeps the file's other settings (including [smtp])."""
    config = tmp_path / "config.toml"
    config.write_text(
        'phone_region = "US"\n[smtp]\nhost = "mail.example"\nsender = "desk@example.org"\npassword = "s3cret"\n'
    )
    save_analyst_profile(AnalystProfile(handle="ajones", name="Ann Jones", department="Help Desk"), config)
    data = tomllib.loads(config.read_text())
    assert data["phone_region"] == "US"
    assert data["smtp"] == {"host": "mail.example", "sender": "desk@example.org", "password": "s3cret"}
    assert data["analyst"]["name"] == "Ann Jones"
    assert _mode(config) == 0o600


def test_saved_profile_is_read_back(tmp_path: Path) -> None:
    """load_settings returns the profile that save_analyst_profile wrote."""
    config = tmp_path / "config.toml"
    profile = AnalystProfile(
        handle="ajones", name="Ann Jones", department="Help Desk", organisation="Acme", email="ann@acme.example"
    )
    save_analyst_profile(profile, config)
    assert load_settings(config).analyst == profile


def test_saving_again_replaces_profile(tmp_path: Path) -> None:
    """A second save replaces the profile rather than adding to it."""
    config = tmp_path / "config.toml"
    save_analyst_profile(AnalystProfile(handle="ajones", name="Ann Jones", department="Help Desk"), config)
    save_analyst_profile(AnalystProfile(handle="ajones", name="Ann Smith", department="Service Desk"), config)
    analyst = load_settings(config).analyst
    assert analyst is not None
    assert (analyst.name, analyst.department) == ("Ann Smith", "Service Desk")


def test_empty_db_variable_is_not_taken_as_current_folder(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``DESKCLI_DB=`` (set but empty) does not silently select the current folder."""
    monkeypatch.setenv("DESKCLI_DB", "")
    try:
        settings = load_settings(config)
    except SettingsError as error:
        assert "DESKCLI_DB" in error.message
    else:
        assert settings.db is None


def test_save_analyst_profile_does_not_clobber_broken_file(tmp_path: Path) -> None:
    """Saving the profile into a config file that is not valid TOML is refused and leaves the file as it was."""
    config = tmp_path / "config.toml"
    config.write_text("[smtp\nhost = 'mail.example'\n")
    before = config.read_bytes()
    with pytest.raises(SettingsError) as caught:
        save_analyst_profile(AnalystProfile(name="Ann Jones", department="Help Desk"), config)
    assert str(config) in caught.value.message
    assert config.read_bytes() == before


# --- the supervisor told of a valid complaint ----------------------------------------------------------


def test_supervisor_setting_from_the_file(config: Path) -> None:
    config.write_text('[supervisor]\nname = "Priya Shah"\nemail = "priya.shah@acme.example"\n')
    supervisor = load_settings(config).supervisor
    assert supervisor is not None and (supervisor.name, supervisor.email) == ("Priya Shah", "priya.shah@acme.example")


def test_supervisor_without_an_address_names_the_variable(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKCLI_SUPERVISOR__NAME", "Priya Shah")
    monkeypatch.setenv("DESKCLI_SUPERVISOR__EMAIL", "priya at acme")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert caught.value.message.startswith("DESKCLI_SUPERVISOR__EMAIL")
    assert "expected an e-mail address" in caught.value.message


# --- the greeting template setting, refused at start-up --------------------------------------

BAD_GREETINGS = [
    ("Hello", "must open with the time of day and the analyst's name (missing {time_of_day})"),
    ("Good {time_of_day}, {name}", "unknown placeholder {name}; allowed: {time_of_day}, {analyst_name}"),
    ("Good {time_of_day, {analyst_name}", "not a valid template"),
    ("Good {time_of_day}, {analyst_name} {", "not a valid template"),
]


def _deskcli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskcli", *args], capture_output=True, text=True,
        env={**os.environ, **env}, stdin=subprocess.DEVNULL, timeout=120,
    )


@pytest.mark.parametrize(("template", "message"), BAD_GREETINGS, ids=["hello", "name", "open-brace", "stray-brace"])
def test_a_bad_greeting_template_stops_the_start_naming_the_setting(tmp_path: Path, template: str, message: str) -> None:
    """Through the real command: exit 2, the variable named, what is expected, no traceback (never a KeyError later)."""
    result = _deskcli("--db", str(tmp_path / "x.db"), "check", env={
        "DESKCLI_GREETING_TEMPLATE": template, "DESKCLI_ANALYST__NAME": "Ann Jones", "DESKCLI_ANALYST__DEPARTMENT": "Help Desk",
    })
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("deskcli: error: DESKCLI_GREETING_TEMPLATE: ")
    assert message in result.stderr
    assert "expected e.g. 'Good {time_of_day}, {analyst_name}, {department}. How may I help you today?'" in result.stderr
    assert "Traceback" not in result.stderr and "KeyError" not in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before the database was touched


def test_a_bare_hello_in_the_config_file_names_the_entry_and_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('greeting_template = "Hello"\n', encoding="utf-8")
    result = _deskcli("--config", str(config), "--db", str(tmp_path / "x.db"), "check", env={})
    assert result.returncode == 2
    assert f"greeting_template in {config}: a greeting must open with the time of day" in result.stderr
    assert 'never just "Hello"' in result.stderr


def test_the_opening_greeting_cannot_name_the_caller(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller is not known when the phone is answered: the message says where their name goes."""
    monkeypatch.setenv("DESKCLI_GREETING_TEMPLATE", "Good {time_of_day}, {analyst_name}. Hello {caller_name}!")
    with pytest.raises(SettingsError) as refused:
        load_settings(config)
    assert "unknown placeholder {caller_name}" in refused.value.message
    assert "the greeting policy's personal line, `identified`" in refused.value.message


async def test_the_console_with_a_bad_greeting_template_stops_with_the_message(tmp_path: Path, monkeypatch, analyst_profile) -> None:
    """The console's start-up path: exit status 2 and the message, before any call is greeted."""
    from deskcli.app import DeskApp
    from deskcli.config.launch import LaunchOptions
    from test_startup_failures import _run_app_until_it_stops

    monkeypatch.setenv("DESKCLI_GREETING_TEMPLATE", "Good {time_of_day}, {name}")
    app = DeskApp(LaunchOptions(db=tmp_path / "x.db"))
    await _run_app_until_it_stops(app)
    assert app.return_code == 2
    assert isinstance(app.startup_error, SettingsError)
    assert app.startup_error.message.startswith("DESKCLI_GREETING_TEMPLATE: unknown placeholder {name}")
