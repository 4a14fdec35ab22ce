"""The console's machinery below the screens: the serial writer, the autosaver, quitting safely, messages and the protocol through which screens reach the app."""
