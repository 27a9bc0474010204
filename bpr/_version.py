"""The version of bpr, in a module of its own so that a writer can stamp it on a file
without importing the whole package."""

__version__ = "0.1.0"
