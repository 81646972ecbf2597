"""Registers {{name}}'s components with NAT.

pyproject.toml's `nat.components` entry point names this module, so NAT
imports it whenever it loads a config. The chatbot's workflow,
`chat_completion`, ships with NAT, so nothing is registered here yet: import
your own functions here when you add them, e.g. `from . import my_tool`.
"""
