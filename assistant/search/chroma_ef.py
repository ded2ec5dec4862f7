"""The chromadb adapter for an Embedder, registered so a collection reopens cleanly.

Kept apart from embedder.py because importing chromadb costs ~1.5 s: the no-change check of
``python -m assistant index`` must not pay it.
"""
from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.search.embedder import Embedder, get_embedder


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Lets chromadb embed documents and query texts with our Embedder.

    Registered under a fixed name so a collection reopens cleanly; built from its config the
    function is lazy and uses the process-wide embedder only when chromadb first calls it.
    """

    def __init__(self, embedder: Embedder | None = None, model: str = ""):
        self._embedder = embedder
        self._model = model or (embedder.name if embedder else "")

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder()
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "jixiao-embedder"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(model=str(config.get("model", "")))

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]
