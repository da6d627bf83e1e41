"""Assessment workbench for social-service case management."""

__version__ = "0.1.0"
