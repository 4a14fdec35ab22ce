"""Allows ``python -m deskcli``."""

from deskcli.cli import main

if __name__ == "__main__":
    main()
