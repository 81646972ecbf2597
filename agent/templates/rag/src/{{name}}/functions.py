"""{{name}}'s NAT functions: `{{name}}_search` finds passages in the documents,
and `{{name}}_rag`, the workflow, answers a question from them with the LLM.
"""
from pathlib import Path

from pydantic import Field

from nat.builder.builder import Builder
from nat.builder.framework_enum import LLMFrameworkEnum
from nat.builder.function_info import FunctionInfo
from nat.cli.register_workflow import register_function
from nat.data_models.component_ref import FunctionRef
from nat.data_models.component_ref import LLMRef
from nat.data_models.function import FunctionBaseConfig

from .retriever import TfidfIndex
from .retriever import load_passages


class SearchConfig(FunctionBaseConfig, name="{{name}}_search"):
    """Finds the passages of the documents that best match a query."""

    data_dir: str = Field(default="data", description="Folder of .md/.txt/.rst files (relative to the working directory).")
    top_k: int = Field(default=3, ge=1, description="How many passages to return.")


@register_function(config_type=SearchConfig)
async def search(config: SearchConfig, builder: Builder):
    folder = Path(config.data_dir).resolve()
    if not folder.is_dir():
        raise ValueError(f"data_dir {folder} is not a folder")
    index = TfidfIndex(load_passages(folder))

    async def _search(query: str) -> str:
        """Returns the passages that best match `query`, each headed by its source file."""
        hits = index.search(query, config.top_k)
        return "\n\n".join(f"[{hit.passage.source}]\n{hit.passage.text}" for hit in hits)

    yield FunctionInfo.from_fn(_search, description=_search.__doc__)


class RagConfig(FunctionBaseConfig, name="{{name}}_rag"):
    """Answers a question from the passages the search function finds."""

    llm_name: LLMRef = Field(description="The LLM that writes the answer.")
    search_function: FunctionRef = Field(description="The function that finds passages.")
    system_prompt: str = Field(
        default=("Answer the question using only the context below. If the context does not contain the answer, "
                 "say so.\n\nContext:\n{context}"),
        description="System prompt; {context} is replaced by the passages found.")


@register_function(config_type=RagConfig, framework_wrappers=[LLMFrameworkEnum.LANGCHAIN])
async def rag(config: RagConfig, builder: Builder):
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import SystemMessage

    llm = await builder.get_llm(config.llm_name, wrapper_type=LLMFrameworkEnum.LANGCHAIN)
    find = await builder.get_function(config.search_function)

    async def _answer(question: str) -> str:
        """Answers `question` from the project's documents and names the sources used."""
        context = await find.ainvoke(question, to_type=str)
        messages = [SystemMessage(content=config.system_prompt.replace("{context}", context)), HumanMessage(content=question)]
        response = await llm.ainvoke(messages)
        answer = response if isinstance(response, str) else str(response.content)
        sources = sorted({line[1:-1] for line in context.splitlines() if line.startswith("[") and line.endswith("]")})
        return f"{answer}\n\nSources: {', '.join(sources) or 'none'}"

    yield FunctionInfo.from_fn(_answer, description=_answer.__doc__)
