"""Settings: command-line flags > ``DESKCLI_*`` variables > config file > defaults.

The config file is TOML in the user config directory (``DESKCLI_CONFIG`` moves it).
Nested settings use ``__`` in variable names, e.g. ``DESKCLI_ANALYST__NAME`` or
``DESKCLI_SMTP__HOST``. Anything unknown or invalid is a :class:`SettingsError` whose
message names the setting and where it came from.

This module imports pydantic-settings (~0.1 s), so the app loads it in a worker after
its first frame, never before.
"""

from __future__ import annotations

import contextvars
import difflib
import getpass
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError as PydanticSettingsError

from deskcli.config import paths
from deskcli.config.cti import CtiSettings
from deskcli.core.errors import SettingsError

ENV_PREFIX = "DESKCLI_"
NESTED_DELIMITER = "__"


def _local_zone_name() -> str:
    """The machine's IANA zone (e.g. ``Europe/London``); UTC when it cannot be told."""
    try:
        import tzlocal

        return tzlocal.get_localzone_name() or "UTC"
    except Exception:
        return "UTC"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "analyst"


class AnalystProfile(BaseModel):
    """Who is at this seat: used in the greeting and recorded on every event."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    handle: str = Field(default_factory=_login_name, min_length=1, max_length=64)
    """Unique name of the analyst on a shared database (the login name by default)."""
    name: str = Field(min_length=1, max_length=120)
    """The analyst's name as said in the greeting ("Ann Jones")."""
    department: str = Field(min_length=1, max_length=120)
    """The department named in the greeting ("Help Desk")."""
    organisation: str = Field(default="", max_length=120)
    """The organisation, if the greeting should name it."""
    email: str = Field(default="", max_length=254)
    """Reply-to address for acknowledgements sent by e-mail."""


class SmtpSettings(BaseModel):
    """The mail server used for e-mail acknowledgements. Without it, mail goes to the outbox."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1)
    """Server name or address."""
    port: int = Field(default=587, ge=1, le=65535)
    """Server port (587 submission, 465 implicit TLS, 25 relay)."""
    username: str | None = None
    """Login name, if the server wants one."""
    password: SecretStr | None = None
    """Password for ``username``; kept out of logs and reprs."""
    security: Literal["starttls", "tls", "none"] = "starttls"
    """How the connection is protected."""
    sender: str = Field(min_length=3)
    """The From address of acknowledgements."""
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """How long to wait for the server before keeping the message in the outbox."""


class SupervisorSettings(BaseModel):
    """Who is told of a valid complaint ("I'll let my supervisor know", seed 000)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    """The supervisor's name, as the notice addresses them."""
    email: str = Field(max_length=254)
    """Where the notice is mailed (through the outbox, like acknowledgements)."""

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
            raise ValueError(f"expected an e-mail address such as priya.shah@example.com (got {value!r})")
        return value


class Settings(BaseSettings):
    """Everything an office can configure. Every field has a ``DESKCLI_`` variable."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED_DELIMITER,
        extra="forbid",
        validate_default=True,
        # DESKCLI_DB= (set but empty) means "not set", not "the current folder".
        env_ignore_empty=True,
    )

    db: Path | None = None
    """SQLite database file. Default: ``deskcli.db`` in the user data directory."""
    database_url: str | None = None
    """Any SQLAlchemy URL; takes precedence over ``db`` (PostgreSQL: a later release)."""
    analyst: AnalystProfile | None = None
    """The analyst at this seat; asked for on first start when missing."""
    timezone: str = Field(default_factory=_local_zone_name)
    """The office's IANA timezone, used to show times and count business hours."""
    phone_region: str = "GB"
    """Region for numbers typed without a country code (ISO 3166 code, e.g. GB, US)."""
    reference_prefix: str = "HD"
    """Prefix of call reference numbers: ``HD-000123``."""
    greeting_template: str | None = None
    """Overrides the greeting template of the policy files."""
    smtp: SmtpSettings | None = None
    """Mail server for e-mail acknowledgements."""
    supervisor: SupervisorSettings | None = None
    """Who is sent a notice of a valid complaint. Default: a manager (else a senior) of the
    analyst's department in the analyst directory, with an e-mail address."""
    cti: CtiSettings = Field(default_factory=CtiSettings)
    """The phone system: where it posts its call events (``cti.listen``) and its token."""
    outbox_dir: Path | None = None
    """Where unsent e-mails are kept as .eml files. Default: ``outbox`` in the data dir."""
    policy_dir: Path | None = None
    """A folder of the office's own policy files, replacing the shipped ones by name."""
    scenario_dir: Path | None = None
    """A folder of the office's own practice callers (``*.toml``), added to the shipped ones."""
    demo_db: Path | None = None
    """The demo database for ``deskcli demo`` and ``deskcli train``. Default: ``demo.db`` in the data dir."""
    sqlite_synchronous: Literal["NORMAL", "FULL", "EXTRA"] = "FULL"
    """SQLite durability; FULL survives power loss, which is what "never lose a word" needs."""
    busy_timeout_ms: int = Field(default=5000, ge=0, le=600_000)
    """How long a write waits for another deskcli process holding the database."""
    startup_wait_seconds: float = Field(default=30.0, ge=0, le=3600)
    """How long start-up waits for another program holding the database (or another
    deskcli upgrading it), counting down, before saying so and stopping."""
    sqlite_cache_kib: int = Field(default=1024, ge=64, le=1_048_576)
    """SQLite page cache per connection, in KiB. The console's queries read a few pages
    each (the operating system caches the file too); 1 MiB keeps three connections
    within the memory budget. Raise it for reports on a very large shared database."""
    backup_dir: Path | None = None
    """Where ``deskcli backup`` keeps its copies. Default: ``backups`` in the data dir
    (choose another disk: a copy on the same disk dies with it)."""
    backup_keep: int = Field(default=10, ge=1, le=10_000)
    """How many of its own copies ``deskcli backup`` keeps in ``backup_dir``; older ones are removed."""
    backup_daily: bool = False
    """Take a backup in the background when the first console of the day starts."""
    keymap: dict[str, str] = Field(default_factory=dict)
    """Keys of your own: a binding id (as listed by F1, e.g. ``call.hang_up``) and the keys
    for it, comma-separated (``"f10,ctrl+e"``). Fed to Textual's keymap."""
    theme: str | None = None
    """The colour theme (chosen in the command palette and kept here)."""

    @field_validator("keymap")
    @classmethod
    def _keys_given(cls, value: dict[str, str]) -> dict[str, str]:
        for binding_id, keys in value.items():
            if not binding_id.strip() or not isinstance(keys, str) or not keys.strip():
                raise ValueError(f"{binding_id!r}: expected a binding id and its keys, e.g. \"call.hang_up\" = \"f10\"")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}; expected an IANA name such as Europe/London") from exc
        return value

    @field_validator("phone_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        import phonenumbers

        region = value.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region {value!r}; expected a two-letter code such as GB or US")
        return region

    @field_validator("reference_prefix")
    @classmethod
    def _readable_prefix(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{1,6}", value):
            raise ValueError("expected 1 to 6 capital letters, e.g. HD")
        return value

    @field_validator("greeting_template")
    @classmethod
    def _usable_greeting(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # The same check as the greeting policy's template: rendered once with the longest names.
        from deskcli.core.greeting_template import check_template

        return check_template(value)

    @field_validator("database_url")
    @classmethod
    def _parsable_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError(
                "not a database URL; expected e.g. sqlite:////srv/deskcli/deskcli.db "
                "or postgresql+psycopg://user@host/deskcli"
            ) from exc
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags first, then variables, then the config file."""
        return (init_settings, env_settings, _ConfigFileSource(settings_cls))

    def outbox(self) -> Path:
        """The outbox folder, resolved."""
        return self.outbox_dir or paths.default_outbox_dir()

    def backups(self) -> Path:
        """The backup folder, resolved."""
        return (self.backup_dir or paths.default_backup_dir()).expanduser()

    def demo(self) -> Path:
        """The demo database file, resolved (never the office's own database)."""
        return self.demo_db or paths.demo_db_path()

    def zone(self) -> ZoneInfo:
        """The office timezone as a ZoneInfo."""
        return ZoneInfo(self.timezone)


_config_data: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("config_data", default=None)


class _ConfigFileSource(PydanticBaseSettingsSource):
    """Hands the already-parsed config file to pydantic, unknown keys included.

    pydantic-settings' own init source drops unknown keys; passing them through lets
    ``extra="forbid"`` report a misspelt setting instead of ignoring it.
    """

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return (_config_data.get() or {}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_config_data.get() or {})


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse the config file; a missing file is an empty config."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError as exc:
        raise SettingsError(f"config file {path} is a folder, not a file.", "Give the path of a TOML file.") from exc
    except OSError as exc:
        raise SettingsError(f"config file {path} cannot be read: {exc.strerror or exc}") from exc
    try:
        decoded = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise SettingsError(
            f"config file {path} is not UTF-8 text (line {line} holds bytes that are not UTF-8).",
            "Save it as UTF-8 in your editor, or move it away to start from the defaults.",
        ) from exc
    try:
        return tomllib.loads(decoded)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(
            f"config file {path} is not valid TOML: {exc}",
            "Fix the file, or move it away to start from the defaults.",
        ) from exc


def known_env_names() -> set[str]:
    """Every ``DESKCLI_*`` variable name deskcli understands."""
    names = {paths.CONFIG_ENV, paths.CACHE_ENV}
    for field_name, info in Settings.model_fields.items():
        names.add(f"{ENV_PREFIX}{field_name}".upper())
        annotation = info.annotation
        for model in (AnalystProfile, SmtpSettings, CtiSettings, SupervisorSettings):
            if annotation is not None and model in getattr(annotation, "__args__", (annotation,)):
                for sub in model.model_fields:
                    names.add(f"{ENV_PREFIX}{field_name}{NESTED_DELIMITER}{sub}".upper())
    return names


def _check_env_names(environ: dict[str, str]) -> None:
    known = known_env_names()
    unknown = sorted(name for name in environ if name.upper().startswith(ENV_PREFIX) and name.upper() not in known)
    if unknown:
        close = difflib.get_close_matches(unknown[0].upper(), sorted(known), n=1)
        suggestion = f" (did you mean {close[0]}?)" if close else ""
        raise SettingsError(
            f"{unknown[0]} is not a deskcli setting{suggestion}",
            "Known variables: " + ", ".join(sorted(known)),
        )


def _where(loc: tuple[Any, ...], config_path: Path, config: dict[str, Any], flags: dict[str, Any]) -> str:
    """Name the source of the value at ``loc``, in precedence order: flag, variable, file."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in flags:
        return "--" + parts[0].replace("_", "-")
    set_names = {key.upper() for key in os.environ}
    for depth in range(len(parts), 0, -1):
        name = ENV_PREFIX + NESTED_DELIMITER.join(parts[:depth]).upper()
        if name in set_names:
            return name
    dotted = ".".join(parts)
    if parts and parts[0] in config:
        return f"{dotted} in {config_path}"
    return f"setting {dotted}"


def _owner_of(loc: tuple[Any, ...]) -> type[BaseModel]:
    """The settings model that holds the key at ``loc`` (``Settings``, ``SmtpSettings`` …)."""
    nested = {"analyst": AnalystProfile, "smtp": SmtpSettings, "cti": CtiSettings, "supervisor": SupervisorSettings}
    if len(loc) > 1 and str(loc[0]) in nested:
        return nested[str(loc[0])]
    return Settings


def load_settings(config_path: Path | None = None, **flags: Any) -> Settings:
    """Build the settings from flags, variables and the config file.

    ``flags`` holds values given on the command line (``db=Path(...)``); ``None``
    values are ignored so an absent flag does not hide a variable.
    """
    config_path = config_path or paths.config_file()
    flags = {key: value for key, value in flags.items() if value is not None}
    config = read_config_file(config_path)
    _check_env_names(dict(os.environ))
    token = _config_data.set(config)
    try:
        return Settings(**flags)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _where(tuple(error["loc"]), config_path, config, flags)
        if error["type"] == "extra_forbidden":
            name = str(error["loc"][-1])
            known = list(_owner_of(tuple(error["loc"])).model_fields)
            close = difflib.get_close_matches(name, known, n=1)
            suggestion = f" (did you mean {close[0]}?)" if close else ""
            raise SettingsError(
                f"{where}: unknown setting{suggestion}",
                "Known settings here: " + ", ".join(known),
            ) from exc
        message = error["msg"].removeprefix("Value error, ")
        value = error.get("input")
        shown = ""
        if error["type"] != "value_error" and isinstance(value, (str, int, float, bool)):
            shown = f" (got {value!r})"
        raise SettingsError(f"{where}: {message}{shown}") from exc
    except PydanticSettingsError as exc:
        raise SettingsError(f"invalid DESKCLI_ variable: {exc}") from exc
    finally:
        _config_data.reset(token)


def save_analyst_profile(profile: AnalystProfile, config_path: Path | None = None) -> Path:
    """Keep the analyst profile in the config file, leaving everything else as it was.

    The user's comments, layout and other settings are kept (tomlkit edits the
    document in place; only the ``[analyst]`` values change). The file is written
    atomically through a temporary file created afresh, readable only by the user
    (the config may also hold an SMTP password). A file that is not valid TOML is
    refused and left untouched.
    """
    import tomlkit

    config_path = config_path or paths.config_file()
    read_config_file(config_path)  # refuses a broken file with the same message as at start
    try:
        document = tomlkit.parse(config_path.read_text(encoding="utf-8")) if config_path.exists() else tomlkit.document()
    except tomlkit.exceptions.TOMLKitError as exc:
        raise SettingsError(f"config file {config_path} cannot be edited: {exc}") from exc
    values = profile.model_dump(exclude_defaults=False)
    existing = document.get("analyst")
    if isinstance(existing, dict):
        for key, value in values.items():
            existing[key] = value
    else:
        if "analyst" in document:
            del document["analyst"]
        table = tomlkit.table()
        for key, value in values.items():
            table[key] = value
        document["analyst"] = table
    text = tomlkit.dumps(document)
    tomllib.loads(text)  # what is written must read back
    paths.make_private_dir(config_path.parent)
    _replace_privately(config_path, text.encode("utf-8"))
    return config_path


def save_setting(name: str, value: object, config_path: Path | None = None) -> Path:
    """Keep one top-level setting (e.g. the theme) in the config file; comments and the rest stay."""
    import tomlkit

    config_path = config_path or paths.config_file()
    read_config_file(config_path)  # refuses a broken file with the same message as at start
    try:
        document = tomlkit.parse(config_path.read_text(encoding="utf-8")) if config_path.exists() else tomlkit.document()
    except tomlkit.exceptions.TOMLKitError as exc:
        raise SettingsError(f"config file {config_path} cannot be edited: {exc}") from exc
    document[name] = value
    text = tomlkit.dumps(document)
    tomllib.loads(text)  # what is written must read back
    paths.make_private_dir(config_path.parent)
    _replace_privately(config_path, text.encode("utf-8"))
    return config_path


def _replace_privately(path: Path, content: bytes) -> None:
    """Write ``content`` to a fresh 0600 temporary file beside ``path``, then move it over ``path``."""
    temporary = path.with_name(path.name + ".tmp")
    # A temporary file left by an interrupted save would keep its own mode (and owner)
    # if it were reused: remove it and create a new one.
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
