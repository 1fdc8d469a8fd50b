"""Command groups of the ``archive-reader`` CLI, one module each, each with a
``register(subparsers)`` that ``reader.cli`` calls (see ``reader.cli.COMMANDS``)."""

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # no ``from __future__ import annotations`` here: it would shadow the
    # ``annotations`` command module as an attribute of this package
    import argparse

    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
