"""Tests {{name}}'s retriever and runs the RAG workflow with the offline test LLM."""
import asyncio
from pathlib import Path

import pytest

from nat.runtime.loader import load_workflow

from {{name}}.retriever import Passage
from {{name}}.retriever import TfidfIndex

PROJECT = Path(__file__).resolve().parent.parent


def test_search_ranks_the_matching_passage_first():
    index = TfidfIndex([
        Passage("a.md", "Bananas are yellow fruit."),
        Passage("b.md", "The server listens on port 8000."),
        Passage("c.md", "Cherries are red fruit."),
    ])
    hits = index.search("which port does the server use?")
    assert [hit.passage.source for hit in hits] == ["b.md"]
    assert index.search("quantum chromodynamics") == []


async def ask(question: str) -> str:
    async with load_workflow(PROJECT / "configs" / "config.yml") as workflow:
        async with workflow.run(question) as runner:
            return await runner.result(to_type=str)


def test_the_workflow_answers_from_the_documents(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(PROJECT)  # data_dir is relative to the working directory
    answer = asyncio.run(ask("Which command checks a configuration without running it?"))
    assert answer.startswith("This is the offline test LLM")
    sources = answer.rsplit("Sources: ", 1)[1].split(", ")
    assert "commands.md" in sources
