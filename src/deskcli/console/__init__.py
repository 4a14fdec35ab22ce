"""The console's controllers, above the screens: the call on screen and its stages,
opening the console, promise reminders, the analyst's keys and theme.

They install and switch the screens; the screens reach them only through
:class:`deskcli.ui.protocol.Console`, so no import runs from a screen back up here.
"""
