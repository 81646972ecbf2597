"""Runs the chatbot workflow from configs/config.yml with the offline test LLM."""
import asyncio
from pathlib import Path

from nat.runtime.loader import load_workflow

CONFIG = Path(__file__).resolve().parent.parent / "configs" / "config.yml"


async def ask(question: str) -> str:
    async with load_workflow(CONFIG) as workflow:
        async with workflow.run(question) as runner:
            return await runner.result(to_type=str)


def test_the_chatbot_answers():
    answer = asyncio.run(ask("Hi there"))
    assert answer.startswith("Hello from {{name}}!")
