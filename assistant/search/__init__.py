"""The search stage: embedder (+ ONNX queries), chroma adapter, lexical BM25, the one
record ↔ metadata mapping (metadata.py) and the precedent index built from them (index.py)."""
