"""deskcli: a keyboard-first terminal console for help desk analysts on live calls."""

__version__ = "0.1.0"
