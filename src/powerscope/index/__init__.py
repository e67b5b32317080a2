"""Composite indices: specs as data, the engine, and (later) uncertainty and sensitivity."""

from powerscope.index.engine import (
    ROOT,
    CompiledIndex,
    IndexResult,
    compile_index,
    compute,
    normalise,
)
from powerscope.index.spec import IndexSpec, Node, builtin_indices, load_spec, parse_spec

__all__ = [
    "ROOT",
    "CompiledIndex",
    "IndexResult",
    "IndexSpec",
    "Node",
    "builtin_indices",
    "compile_index",
    "compute",
    "load_spec",
    "normalise",
    "parse_spec",
]
