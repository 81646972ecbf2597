"""A small TF-IDF retriever over the text files of a folder: no embedding
model, no vector database, nothing to download. Good enough for a starter;
swap in a NAT retriever (Milvus, NeMo Retriever) when the corpus grows.
"""
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = {".md", ".txt", ".rst"}
_WORD = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Passage:
    source: str
    text: str


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


def load_passages(folder: Path) -> list[Passage]:
    """One passage per paragraph (blank-line separated) of every text file under `folder`."""
    passages = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            for paragraph in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
                if paragraph.strip():
                    passages.append(Passage(source=str(path.relative_to(folder)), text=paragraph.strip()))
    return passages


class TfidfIndex:

    def __init__(self, passages: list[Passage]):
        self.passages = passages
        counts = [Counter(tokenize(p.text)) for p in passages]
        document_frequency = Counter(word for count in counts for word in count)
        total = len(passages)
        self._idf = {word: math.log((1 + total) / (1 + df)) + 1 for word, df in document_frequency.items()}
        self._vectors = [self._weigh(count) for count in counts]

    def _weigh(self, count: Counter) -> dict[str, float]:
        vector = {word: n * self._idf.get(word, 0.0) for word, n in count.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {word: v / norm for word, v in vector.items()}

    def search(self, query: str, top_k: int = 3) -> list[Hit]:
        """The `top_k` passages most similar to `query` (cosine of TF-IDF vectors), best first."""
        query_vector = self._weigh(Counter(tokenize(query)))
        hits = [
            Hit(passage, sum(weight * vector.get(word, 0.0) for word, weight in query_vector.items()))
            for passage, vector in zip(self.passages, self._vectors)
        ]
        return sorted((h for h in hits if h.score > 0), key=lambda h: h.score, reverse=True)[:top_k]
