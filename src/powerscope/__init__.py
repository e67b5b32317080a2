"""powerscope: measure national power and alignment between countries, transparently.

The public API is kept small and imports nothing heavy at start-up; domains are imported on use.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
