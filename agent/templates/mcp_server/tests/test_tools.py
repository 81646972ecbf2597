"""Tests {{name}}'s tools, alone and as the NAT functions the MCP server publishes."""
import asyncio

from nat.builder.workflow_builder import WorkflowBuilder

from {{name}}.tools import SlugifyConfig
from {{name}}.tools import TextStatsConfig
from {{name}}.tools import slugify
from {{name}}.tools import text_stats


def test_plain_functions():
    assert slugify("Hello, World!") == "hello-world"
    assert text_stats("one two\nthree").model_dump() == {"characters": 13, "words": 3, "lines": 2}


async def call(name: str, config, argument: str):
    async with WorkflowBuilder() as builder:
        function = await builder.add_function(name, config)
        return await function.ainvoke(argument)


def test_the_registered_functions_answer():
    assert asyncio.run(call("slugify", SlugifyConfig(separator="_"), "Make It So")) == "make_it_so"
    assert asyncio.run(call("text_stats", TextStatsConfig(), "a b c")).words == 3
