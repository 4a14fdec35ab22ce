"""The analyst's own keys and theme: applied from the settings, the theme kept when chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskcli.app import DeskApp
    from deskcli.runtime import Runtime


def apply_preferences(app: DeskApp, runtime: Runtime) -> None:
    """The ``keymap`` setting fed to Textual's keymap, the ``theme`` applied; theme changes kept."""
    settings = runtime.settings
    if settings.keymap:
        app.set_keymap(dict(settings.keymap))
    if settings.theme and settings.theme in app.available_themes:
        app.theme = settings.theme
    app.theme_changed_signal.subscribe(app, lambda theme: _theme_chosen(app, theme))


def _theme_chosen(app: DeskApp, theme: object) -> None:
    runtime = app.runtime
    name = getattr(theme, "name", None)
    if runtime is None or not name or name == runtime.settings.theme:
        return
    app.run_worker(lambda: _save_theme(app, name), thread=True, exclusive=True, group="preferences", exit_on_error=False)


def _save_theme(app: DeskApp, name: str) -> None:
    from deskcli.config.settings import save_setting

    runtime = app.runtime
    if runtime is None:
        return
    try:
        save_setting("theme", name, runtime.config_path)
    except OSError as error:
        app.call_from_thread(app.notify, f"The theme was not kept: {error}", severity="warning", markup=False)
        return
    runtime.settings = runtime.settings.model_copy(update={"theme": name})
