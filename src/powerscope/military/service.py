"""Military figures as the shells ask for them."""

from __future__ import annotations

from typing import Any

from powerscope.data.store import Store, open_store


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
        "source": "Global Firepower 2026 (globalfirepower.com); a statistical explanation of its "
        "published ranking, not GFP's formula",
    }
    if country:
        code = resolve(country, where="country")
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
