"""Military figures as the shells ask for them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from powerscope.data.store import Store, open_store

if TYPE_CHECKING:
    import pandas as pd


def explain_gfp(
    *,
    model: str = "ridge",
    country: str | None = None,
    impute: str | None = None,
    top: int = 15,
    store: Store | None = None,
) -> dict[str, Any]:
    """Fit a transparent model of Global Firepower's PowerIndex and report how well it
    reproduces the ranking (cross-validated), which factors carry the weight, and, for one
    country, which factors put it where it is. Incomplete factors are left out unless
    ``impute="median"`` is asked for (imputed cells are then flagged)."""
    from powerscope.countries import resolve
    from powerscope.military.gfp_model import fit_gfp

    store = store or open_store()
    index = store.table("gfp_index")
    factors = store.table("gfp_factors")
    citation = store.citation("gfp")
    fitted = fit_gfp(
        index, factors, model=model, impute=impute, drop_incomplete_factors=impute is None
    )
    metrics = {k: (float(v) if hasattr(v, "__float__") else v) for k, v in fitted.metrics.items()}
    report: dict[str, Any] = {
        "model": model,
        "target": "log(PowerIndex); negative coefficients: more of a factor, a stronger (lower) index",
        "metrics": metrics,
        "dropped_factors": list(fitted.design.dropped_factors),
        "imputed_cells": int(fitted.design.n_imputed),
        "source": f"{citation.text()} A statistical explanation of its published ranking, "
        "not GFP's formula.",
        "citations": [citation.to_dict()],
    }
    if country:
        code = resolve(country, parameter="country")
        frame = fitted.explain(code).head(top)
        report["country"] = code
        report["explanation"] = frame.to_dict(orient="records")
        report["title"] = f"What puts {code} where it is on Global Firepower ({model} model)"
    else:
        frame = fitted.coefficients.head(top)
        report["coefficients"] = frame.to_dict(orient="records")
        report["title"] = (
            f"Global Firepower explained ({model}): out-of-fold Spearman "
            f"{metrics.get('spearman_oof', float('nan')):.3f}"
        )
    report["_frame"] = frame
    return report


#: bump when the cached explanation's layout changes
_CACHE_LAYOUT = 1
#: explanations computed in this process, by cache key
_EXPLAINED: dict[str, dict[str, Any]] = {}


def _gfp_cache_key(
    index: pd.DataFrame, factors: pd.DataFrame, *, model: str, impute: str | None
) -> str:
    """A digest of everything the fitted explanation depends on: the two GFP tables' contents
    (the store's data), the model's settings, and the code and library versions that fit it."""
    from powerscope.cache import code_digest, frame_digest, key_of

    # the model's source, read without importing it (importing it imports scikit-learn)
    model_file = Path(__file__).with_name("gfp_model.py")
    code = code_digest((model_file, Path(__file__)), ("scikit-learn", "numpy", "pandas", "scipy"))
    return key_of(
        f"layout {_CACHE_LAYOUT}; {model}; {impute}", code, frame_digest(index),
        frame_digest(factors),
    )  # fmt: skip


def _fit_all(index: pd.DataFrame, factors: pd.DataFrame, *, model: str) -> dict[str, Any]:
    """The GFP model's figures the brief reads, for every country fitted (JSON-ready)."""
    from powerscope.military.gfp_model import fit_gfp

    fitted = fit_gfp(index, factors, model=model, drop_incomplete_factors=True)
    explained = {
        str(code): [
            {str(k): _plain(v) for k, v in row.items()}
            for row in fitted.explain(str(code)).to_dict(orient="records")
        ]
        for code in fitted.standardised.index
    }
    return {
        "metrics": {
            k: (float(v) if hasattr(v, "__float__") else v) for k, v in fitted.metrics.items()
        },
        "dropped_factors": list(fitted.design.dropped_factors),
        "imputed_cells": int(fitted.design.n_imputed),
        "explanations": explained,
    }


def _plain(value: Any) -> Any:
    """A numpy/pandas scalar as the Python value JSON keeps exactly (floats round-trip by
    their repr); a missing value (pd.NA) as None."""
    import pandas as pd

    if value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def explain_gfp_cached(
    country: str, *, model: str = "ridge", top: int = 15, store: Store | None = None
) -> dict[str, Any]:
    """:func:`explain_gfp` for one country (incomplete factors left out), from a cache.

    The model is fitted and cross-validated once for every country and kept, keyed by a digest
    of the GFP tables' contents, the settings and the code and library versions (so a rebuilt
    warehouse with other figures, or another powerscope, fits again): in this process, and in a
    JSON file under :func:`powerscope.cache.cache_dir` written atomically. The report is
    :func:`explain_gfp`'s (``explanation`` rows as plain numbers, no ``_frame``); the
    citation is read from the store each time. A cache file that cannot be read is refitted.
    """
    from powerscope import cache
    from powerscope.countries import resolve

    store = store or open_store()
    index = store.table("gfp_index")
    factors = store.table("gfp_factors")
    citation = store.citation("gfp")
    key = _gfp_cache_key(index, factors, model=model, impute=None)
    found = _EXPLAINED.get(key)
    if found is None:
        found = cache.read("gfp-explained", key)
        if not isinstance(found, dict) or "explanations" not in found:
            found = _fit_all(index, factors, model=model)
            cache.write("gfp-explained", key, found)  # skipped when the folder is read-only
        _EXPLAINED[key] = found
    code = resolve(country, parameter="country")
    explanations = found["explanations"]
    if code not in explanations:
        from powerscope.errors import UnknownEntityError

        raise UnknownEntityError(
            {code: []},
            where="GFPModel.explain",
            fix="pass a powerscope country code of a ranked country, e.g. 'KOR'",
        )
    return {
        "model": model,
        "target": "log(PowerIndex); negative coefficients: more of a factor, a stronger (lower) index",
        "metrics": dict(found["metrics"]),
        "dropped_factors": list(found["dropped_factors"]),
        "imputed_cells": int(found["imputed_cells"]),
        "source": f"{citation.text()} A statistical explanation of its published ranking, "
        "not GFP's formula.",
        "citations": [citation.to_dict()],
        "country": code,
        "explanation": [dict(row) for row in explanations[code][:top]],
        "title": f"What puts {code} where it is on Global Firepower ({model} model)",
    }
