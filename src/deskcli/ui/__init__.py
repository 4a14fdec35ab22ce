"""The console's own machinery below the screens: the call flow, the serial writer, the autosaver."""
