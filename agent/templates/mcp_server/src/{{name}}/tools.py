"""{{name}}'s tools, published over MCP by `nat mcp serve`: each registered
function in configs/config.yml becomes one MCP tool.
"""
import re

from pydantic import BaseModel
from pydantic import Field

from nat.builder.builder import Builder
from nat.builder.function_info import FunctionInfo
from nat.cli.register_workflow import register_function
from nat.data_models.function import FunctionBaseConfig


class TextStats(BaseModel):
    characters: int
    words: int
    lines: int


def text_stats(text: str) -> TextStats:
    return TextStats(characters=len(text), words=len(text.split()), lines=len(text.splitlines()))


def slugify(text: str, separator: str = "-") -> str:
    return re.sub(r"[^a-z0-9]+", separator, text.lower()).strip(separator)


class TextStatsConfig(FunctionBaseConfig, name="{{name}}_text_stats"):
    """Counts the characters, words and lines of a text."""


@register_function(config_type=TextStatsConfig)
async def text_stats_function(config: TextStatsConfig, builder: Builder):

    async def _text_stats(text: str) -> TextStats:
        """Counts the characters, words and lines of `text`."""
        return text_stats(text)

    yield FunctionInfo.from_fn(_text_stats, description=_text_stats.__doc__)


class SlugifyConfig(FunctionBaseConfig, name="{{name}}_slugify"):
    """Turns a title into a URL slug."""

    separator: str = Field(default="-", description="What replaces spaces and punctuation.")


@register_function(config_type=SlugifyConfig)
async def slugify_function(config: SlugifyConfig, builder: Builder):

    async def _slugify(text: str) -> str:
        """Turns `text` into a lowercase URL slug, e.g. "Hello, World!" -> "hello-world"."""
        return slugify(text, config.separator)

    yield FunctionInfo.from_fn(_slugify, description=_slugify.__doc__)
