"""{{name}}'s tools: a calculator the agent can call.

Each tool is a NAT function: a config class (its `name` is the `_type` used in
configs/config.yml) and a registration that yields the callable.
"""
import ast
import operator

from pydantic import Field

from nat.builder.builder import Builder
from nat.builder.function_info import FunctionInfo
from nat.cli.register_workflow import register_function
from nat.data_models.function import FunctionBaseConfig

_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def evaluate(expression: str, max_exponent: int = 100) -> float:
    """Evaluates arithmetic (numbers, + - * / // % ** and parentheses) without eval()."""

    def visit(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return visit(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](visit(node.operand))
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = visit(node.left), visit(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > max_exponent:
                raise ValueError(f"exponent larger than {max_exponent}")
            return _OPERATORS[type(node.op)](left, right)
        raise ValueError(f"unsupported expression: {ast.dump(node)[:80]}")

    return visit(ast.parse(expression, mode="eval"))


class CalculatorConfig(FunctionBaseConfig, name="{{name}}_calculator"):
    """Evaluates an arithmetic expression."""

    max_exponent: int = Field(default=100, description="Largest exponent allowed in `**`.")


@register_function(config_type=CalculatorConfig)
async def calculator(config: CalculatorConfig, builder: Builder):

    async def _calculate(expression: str) -> str:
        """Evaluates an arithmetic expression such as `(2 + 3) * 4` and returns the result."""
        try:
            return str(evaluate(expression, config.max_exponent))
        except (ValueError, SyntaxError, ZeroDivisionError) as error:
            return f"cannot evaluate {expression!r}: {error}"

    yield FunctionInfo.from_fn(_calculate, description=_calculate.__doc__)
