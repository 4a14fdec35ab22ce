"""Configuration: settings, where files live, the launch options and the data files."""
