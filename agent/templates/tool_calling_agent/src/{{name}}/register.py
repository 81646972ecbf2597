"""Registers {{name}}'s components with NAT.

pyproject.toml's `nat.components` entry point names this module, so NAT
imports it whenever it loads a config; importing a module runs its
`@register_function` decorators. Import each new tool module here.
"""
from . import tools  # noqa: F401
