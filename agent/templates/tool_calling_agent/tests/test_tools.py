"""Tests {{name}}'s calculator, alone and as the NAT function the agent calls."""
import asyncio

import pytest

from nat.builder.workflow_builder import WorkflowBuilder

from {{name}}.tools import CalculatorConfig
from {{name}}.tools import evaluate


def test_evaluate_follows_precedence():
    assert evaluate("(2 + 3) * 4") == 20
    assert evaluate("2 + 3 * 4 ** 2") == 50
    assert evaluate("-7 // 2") == -4


def test_evaluate_refuses_anything_but_arithmetic():
    with pytest.raises(ValueError):
        evaluate("__import__('os').getcwd()")
    with pytest.raises(ValueError):
        evaluate("9 ** 9999")


async def call_calculator(expression: str) -> str:
    async with WorkflowBuilder() as builder:
        function = await builder.add_function("calculator", CalculatorConfig())
        return await function.ainvoke(expression, to_type=str)


def test_the_registered_function_answers():
    assert asyncio.run(call_calculator("6 * 7")) == "42"
    assert "cannot evaluate" in asyncio.run(call_calculator("1 / 0"))
