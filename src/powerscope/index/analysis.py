"""Statistical analysis of a composite index, after the OECD/JRC Handbook and COINr.

The *Handbook on Constructing Composite Indicators* (OECD/JRC, 2008) asks, before and after an
index is built, for: a look at each indicator's distribution (step 3, "imputation" and step 4,
"multivariate analysis"), the correlation structure within and across the groups of the tree,
the internal consistency of each group (Cronbach's alpha), principal components, and the effect
of leaving out each component (step 7, "robustness and sensitivity"). COINr (Becker et al., 2022,
*JOSS* 7(78), 4567) implements these as ``get_stats``, ``get_corr``, ``get_corr_flags``,
``get_cronbach``, ``get_PCA`` and ``remove_elements``; the functions here follow its estimators:

- skewness and kurtosis are the sample-adjusted G1 and excess G2 (``e1071`` type 2, Excel's
  ``SKEW``/``KURT``), as COINr's ``skew``/``kurt``;
- correlations use pairwise-complete observations (R's ``use = "pairwise.complete.obs"``);
  Spearman ranks are taken within each pair's complete observations (ties averaged); Kendall's is
  tau-b;
- Cronbach's alpha comes from the pairwise covariance matrix, as ``get_cronbach``, unless
  ``missing="complete"``;
- PCA standardises the complete cases (R's ``prcomp(center = TRUE, scale = TRUE)`` after
  ``na.omit``, as ``get_PCA``).

Levels
------
Levels are numbered as in COINr: 1 is the indicators, then up to the index. For a tree whose
leaves are not all at the same depth, a node's level is ``deepest depth + 1 - its depth`` (so
the deepest leaves are level 1 and the top is the highest level).

Data
----
Functions that walk the tree accept either an :class:`~powerscope.index.IndexResult` (or its
``.scores``: columns are node paths, directions already applied) or raw wide data whose columns
are the leaves' indicator names (directions are then applied, unless ``apply_directions`` is
false).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from powerscope.errors import DataFormatError, SpecError
from powerscope.index.engine import (
    ROOT,
    CompiledIndex,
    IndexResult,
    Matrix,
    compile_index,
    compute,
    rank_descending,
)
from powerscope.index.spec import IndexSpec, Node
from powerscope.index.steps.treat import kurtosis, skewness

CorrMethod = Literal["pearson", "spearman", "kendall"]
METHODS = ("pearson", "spearman", "kendall")

__all__ = [
    "METHODS",
    "correlation_flags",
    "correlations",
    "cronbach_alpha",
    "cronbach_by_group",
    "indicator_stats",
    "level_correlations",
    "node_levels",
    "pca",
    "pca_by_group",
    "removal_impact",
    "removal_summary",
    "tree_frame",
]


# -- helpers ------------------------------------------------------------------------------


def _numeric(data: pd.DataFrame, what: str) -> pd.DataFrame:
    """``data`` as floats; :class:`DataFormatError` naming any non-numeric column."""
    if not isinstance(data, pd.DataFrame):
        raise DataFormatError(f"{what} needs a pandas DataFrame, not {type(data).__name__}")
    bad = [str(c) for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        raise DataFormatError(
            f"non-numeric column(s) {bad[:8]} passed to {what}",
            fix="pass only the indicator columns, e.g. data[indicators]",
        )
    return data.astype(float)


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ROOT


def _depth(path: str) -> int:
    return 0 if path == ROOT else path.count("/") + 1


def _node(spec: IndexSpec, path: str) -> Node:
    return spec.root if path == ROOT else spec.node(path)


def node_levels(spec: IndexSpec) -> dict[str, int]:
    """The COINr level of every node by path (1 = indicators; ``index`` = the top level).

    A node's level is ``deepest depth + 1 - its depth``, which is COINr's ``Level`` for a tree
    whose indicators are all at the same depth (as COINr requires).
    """
    paths = spec.paths()
    deepest = max((_depth(p) for p in paths), default=0)
    return {ROOT: deepest + 1, **{p: deepest + 1 - _depth(p) for p in paths}}


def tree_frame(
    scores: IndexResult | pd.DataFrame, spec: IndexSpec, *, apply_directions: bool = True
) -> pd.DataFrame:
    """Values of the tree's nodes as columns named by path (``index`` for the top).

    Parameters
    ----------
    scores:
        An :class:`IndexResult`, its ``.scores`` (columns are paths), or raw wide data (units x
        indicators; each leaf is read from its ``indicator`` column when its path is absent).
    apply_directions:
        Multiply a leaf read from a raw indicator column by its direction (+1/-1), so that
        higher is always better, as in the built index.
    """
    frame = scores.scores if isinstance(scores, IndexResult) else scores
    if not isinstance(frame, pd.DataFrame):
        raise DataFormatError(
            f"expected an IndexResult or a DataFrame, not {type(scores).__name__}"
        )
    columns: dict[str, pd.Series] = {}
    for path in [ROOT, *spec.paths()]:
        if path in frame.columns:
            columns[path] = frame[path]
            continue
        node = _node(spec, path)
        if path != ROOT and node.is_leaf and node.indicator in frame.columns:
            values = _numeric(frame[[node.indicator]], "the analysis")[node.indicator]
            columns[path] = values * node.direction if apply_directions else values
    if not columns:
        raise DataFormatError(
            f"none of the nodes or indicators of index {spec.id!r} are columns of the data",
            fix="pass result.scores (columns are node paths) or data with indicator columns",
        )
    return _numeric(pd.DataFrame(columns), "the analysis")


# -- descriptive statistics -----------------------------------------------------------------


def indicator_stats(
    data: pd.DataFrame,
    *,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
    t_avail: float = 0.65,
    t_zero: float = 0.5,
    t_unique: float = 0.5,
) -> pd.DataFrame:
    """Per-indicator statistics and data-quality flags, as COINr's ``get_stats``.

    Parameters
    ----------
    data:
        Units x indicators, numeric only (NaN = missing).
    t_skew, t_kurt:
        Outlier rule (COINr's default, after the JRC's practice): ``|skewness| > t_skew`` and
        ``kurtosis > t_kurt``.
    t_avail, t_zero, t_unique:
        Thresholds of the availability, zeros and unique-value flags (COINr's defaults).

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator: ``n`` (rows), ``n_available``, ``availability`` (share of rows
        non-missing, 0-1), ``mean``, ``median``, ``sd`` (sample, ddof 1), ``min``, ``max``,
        ``skewness`` (G1; NaN below 3 values), ``kurtosis`` (excess G2; NaN below 4 values),
        ``n_unique``, ``share_unique`` and ``n_zero``, ``share_zero`` (of available values), and
        the flags ``flag_availability`` (availability < t_avail), ``flag_zeros`` (non-zero
        values / n < t_zero), ``flag_unique`` (unique values / n < t_unique) and
        ``flag_outlier`` (the skew-kurtosis rule). The flags' denominators are COINr's.
    """
    frame = _numeric(data, "indicator_stats")
    n = len(frame)
    records = []
    for col in frame.columns:
        x = frame[col].to_numpy()
        present = x[~np.isnan(x)]
        k = present.size
        n_zero = int((present == 0).sum())
        n_unique = int(np.unique(present).size)
        skew, kurt = float(skewness(present)), float(kurtosis(present))
        records.append(
            {
                "indicator": col,
                "n": n,
                "n_available": k,
                "availability": k / n if n else math.nan,
                "mean": float(present.mean()) if k else math.nan,
                "median": float(np.median(present)) if k else math.nan,
                "sd": float(present.std(ddof=1)) if k > 1 else math.nan,
                "min": float(present.min()) if k else math.nan,
                "max": float(present.max()) if k else math.nan,
                "skewness": skew,
                "kurtosis": kurt,
                "n_unique": n_unique,
                "share_unique": n_unique / k if k else math.nan,
                "n_zero": n_zero,
                "share_zero": n_zero / k if k else math.nan,
                "flag_availability": bool(n and k / n < t_avail),
                "flag_zeros": bool(n and (k - n_zero) / n < t_zero),
                "flag_unique": bool(n and n_unique / n < t_unique),
                "flag_outlier": bool(abs(skew) > t_skew and kurt > t_kurt),
            }
        )
    return pd.DataFrame.from_records(records).set_index("indicator")


# -- correlations -------------------------------------------------------------------------


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ascending ranks, ties averaged (no missing values)."""
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    return (upper - (counts - 1) / 2.0)[inverse]


def _pair(x: np.ndarray, y: np.ndarray, method: str) -> tuple[float, int]:
    """Correlation of the pairwise-complete observations of ``x`` and ``y``, and their count."""
    ok = ~(np.isnan(x) | np.isnan(y))
    n = int(ok.sum())
    if n < 2:
        return math.nan, n
    a, b = x[ok], y[ok]
    if method == "kendall":
        sa = np.sign(a[:, None] - a[None, :])
        sb = np.sign(b[:, None] - b[None, :])
        denom = math.sqrt(float((sa * sa).sum()) * float((sb * sb).sum()))
        return (float((sa * sb).sum()) / denom if denom else math.nan), n
    if method == "spearman":
        a, b = _ranks(a), _ranks(b)
    da, db = a - a.mean(), b - b.mean()
    denom = math.sqrt(float((da * da).sum()) * float((db * db).sum()))
    if denom == 0:
        return math.nan, n
    return max(-1.0, min(1.0, float((da * db).sum()) / denom)), n


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise SpecError(f"unknown correlation method {method!r}", fix=f"use one of {METHODS}")


def correlations(data: pd.DataFrame, method: CorrMethod = "pearson") -> pd.DataFrame:
    """Correlation matrix of the columns of ``data``, pairwise-complete (as R's ``cor``).

    Parameters
    ----------
    data:
        Units x variables, numeric (NaN = missing).
    method:
        ``pearson``; ``spearman`` (Pearson on ranks, ties averaged, ranked within each pair's
        complete observations); ``kendall`` (tau-b).

    Returns
    -------
    pandas.DataFrame
        Square, symmetric, 1 on the diagonal (NaN where fewer than 2 pairs or no variance).
    """
    _check_method(method)
    frame = _numeric(data, "correlations")
    values = frame.to_numpy()
    k = values.shape[1]
    out = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            out[i, j] = out[j, i] = _pair(values[:, i], values[:, j], method)[0]
    return pd.DataFrame(out, index=frame.columns, columns=frame.columns)


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz's method)."""
    tiny, eps = 1e-300, 3e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def _p_value(r: float, n: int, method: str) -> float:
    """Two-sided p-value of ``r`` under no association (asymptotic).

    Pearson and Spearman: Student's t with n - 2 degrees of freedom (R's ``cor.test`` for
    Pearson; for Spearman R uses exact tests for small samples without ties). Kendall: the
    normal approximation ``z = 3 tau sqrt(n(n-1)) / sqrt(2(2n+5))``.
    """
    if n < 3 or math.isnan(r):
        return math.nan
    if abs(r) >= 1.0:
        return 0.0
    if method == "kendall":
        z = 3.0 * r * math.sqrt(n * (n - 1)) / math.sqrt(2.0 * (2 * n + 5))
        return math.erfc(abs(z) / math.sqrt(2.0))
    df = n - 2
    t2 = r * r * df / (1.0 - r * r)
    return _betainc(df / 2.0, 0.5, df / (df + t2))


def level_correlations(
    result_scores: IndexResult | pd.DataFrame,
    spec: IndexSpec,
    within: bool = True,
    method: CorrMethod = "pearson",
    *,
    level: int | None = None,
    pval: float | None = None,
    apply_directions: bool = True,
) -> pd.DataFrame:
    """Correlations of nodes with their parent (``within``) or with every aggregate above.

    As COINr's ``get_corr(..., withparent = TRUE)`` (within) and ``get_corr`` between a level and
    the level above (across); the Handbook (step 4) expects each indicator to correlate
    positively with its own group, and more with it than with other groups.

    Parameters
    ----------
    result_scores:
        An :class:`IndexResult` or its ``.scores`` (or raw indicator data, see module doc).
    within:
        True: each node with its parent only. False: each node with every aggregate of its
        parent's level (including its parent).
    method:
        ``pearson``, ``spearman`` or ``kendall`` (see :func:`correlations`).
    level:
        Only the nodes of this COINr level (1 = indicators); default all.
    pval:
        When given, ``r`` is set to NaN where the p-value exceeds it (COINr's ``pval``; 0.05
        there by default). Default: every ``r`` is kept and ``p`` is reported.

    Returns
    -------
    pandas.DataFrame
        Long table ``child, parent, child_level, parent_level, is_parent, r, n, p, flag``;
        ``n`` is the number of pairwise-complete units, ``p`` the two-sided p-value (see
        ``_p_value``), ``flag`` is ``"negative"`` for a negative correlation with the parent and
        ``"higher_elsewhere"`` (across only) on the parent row when another aggregate of that
        level correlates more with the child.
    """
    _check_method(method)
    frame = tree_frame(result_scores, spec, apply_directions=apply_directions)
    levels = node_levels(spec)
    aggregates = [p for p in [ROOT, *spec.paths()] if not _node(spec, p).is_leaf]
    rows = []
    for child in spec.paths():
        if child not in frame.columns or (level is not None and levels[child] != level):
            continue
        parent = _parent(child)
        targets = (
            [parent]
            if within
            else [a for a in aggregates if levels[a] == levels[parent] and a != child]
        )
        found: list[dict[str, Any]] = []
        for agg in targets:
            if agg not in frame.columns:
                continue
            x, y = frame[child].to_numpy(), frame[agg].to_numpy()
            r, n = _pair(x, y, method)
            p = _p_value(r, n, method)
            if pval is not None and not p <= pval:
                r = math.nan
            found.append(
                {
                    "child": child,
                    "parent": agg,
                    "child_level": levels[child],
                    "parent_level": levels[agg],
                    "is_parent": agg == parent,
                    "r": r,
                    "n": n,
                    "p": p,
                    "flag": "",
                }
            )
        own = [f for f in found if f["is_parent"]]
        if own:
            mine = own[0]
            others = [f["r"] for f in found if not f["is_parent"] and not math.isnan(f["r"])]
            if mine["r"] < 0:
                mine["flag"] = "negative"
            elif others and max(others) > mine["r"]:
                mine["flag"] = "higher_elsewhere"
        rows.extend(found)
    columns = ["child", "parent", "child_level", "parent_level", "is_parent", "r", "n", "p"]
    return pd.DataFrame(rows, columns=[*columns, "flag"])


def _ancestor(path: str, level: int, levels: Mapping[str, int]) -> str | None:
    """The ancestor of ``path`` at COINr ``level`` (None when there is none)."""
    top = levels[ROOT]
    depth = top - level
    if depth < 0 or depth >= _depth(path):
        return None
    return "/".join(path.split("/")[:depth]) if depth else ROOT


def _groups(
    spec: IndexSpec, levels: Mapping[str, int], items_level: int | None, group_level: int | None
) -> list[tuple[str, list[str]]]:
    """(group path, item paths) pairs: each aggregate's children, or its descendants at a level."""
    if items_level is None and group_level is None:
        return [
            (p, [f"{p}/{c.id}" if p != ROOT else c.id for c in _node(spec, p).children])
            for p in [ROOT, *spec.paths()]
            if not _node(spec, p).is_leaf
        ]
    items = [p for p in spec.paths() if items_level is None or levels[p] == items_level]
    out: dict[str, list[str]] = {}
    for item in items:
        glevel = group_level if group_level is not None else levels[item] + 1
        group = _ancestor(item, glevel, levels)
        if group is not None:
            out.setdefault(group, []).append(item)
    order = [ROOT, *spec.paths()]
    return sorted(out.items(), key=lambda kv: order.index(kv[0]))


def correlation_flags(
    result_scores: IndexResult | pd.DataFrame,
    spec: IndexSpec,
    *,
    method: CorrMethod = "pearson",
    threshold: float = 0.9,
    low: float = 0.0,
    level: int | None = None,
    group_level: int | None = None,
    apply_directions: bool = True,
) -> pd.DataFrame:
    """Pairs of components of the same group that are collinear or negatively correlated.

    As COINr's ``get_corr_flags``: within each group, every pair (once) whose correlation
    exceeds ``threshold`` (possible double counting, flagged ``"collinear"``) or falls below
    ``low`` (a trade-off inside the group, flagged ``"negative"``).

    Parameters
    ----------
    level:
        Only pairs of nodes at this COINr level (1 = indicators); default: every group's
        children.
    group_level:
        Group the nodes by their ancestor at this level (COINr's ``grouplev``); default: the
        level right above ``level`` (each node's parent).

    Returns
    -------
    pandas.DataFrame
        ``group, child_a, child_b, r, n, flag``, only the flagged pairs.
    """
    _check_method(method)
    frame = tree_frame(result_scores, spec, apply_directions=apply_directions)
    levels = node_levels(spec)
    rows = []
    for group, items in _groups(spec, levels, level, group_level):
        present = [i for i in items if i in frame.columns]
        for a_i, a in enumerate(present):
            for b in present[a_i + 1 :]:
                r, n = _pair(frame[a].to_numpy(), frame[b].to_numpy(), method)
                flag = "collinear" if r > threshold else "negative" if r < low else ""
                if flag:
                    rows.append(
                        {"group": group, "child_a": a, "child_b": b, "r": r, "n": n, "flag": flag}
                    )
    return pd.DataFrame(rows, columns=["group", "child_a", "child_b", "r", "n", "flag"])


# -- internal consistency and principal components -----------------------------------------


def cronbach_alpha(
    data: pd.DataFrame, *, missing: Literal["pairwise", "complete"] = "pairwise"
) -> float:
    """Cronbach's alpha of the columns of ``data`` (Cronbach, 1951; Handbook step 4).

    ``alpha = k / (k - 1) * (1 - sum of item variances / variance of the item total)``, computed
    from the covariance matrix ``C`` as ``k / (k - 1) * (1 - trace(C) / sum(C))``.

    Parameters
    ----------
    missing:
        ``"pairwise"`` (default, as COINr's ``get_cronbach``): each covariance from the units
        observed on both items; ``"complete"``: only units observed on every item (the textbook
        formula on a complete table).

    Returns
    -------
    float
        Alpha (at most 1; about 0.7 or more is usually read as a consistent group). NaN when the
        total variance is 0.
    """
    frame = _numeric(data, "cronbach_alpha")
    k = frame.shape[1]
    if k < 2:
        raise DataFormatError(
            f"Cronbach's alpha needs at least 2 items, got {k}", fix="pass 2 or more columns"
        )
    if missing not in ("pairwise", "complete"):
        raise SpecError(f"unknown missing-data rule {missing!r}", fix="use pairwise or complete")
    if missing == "complete":
        frame = frame.dropna()
    cov = frame.cov().to_numpy()
    total = float(np.nansum(cov))
    if total == 0:
        return math.nan
    return k / (k - 1) * (1.0 - float(np.nansum(np.diag(cov))) / total)


def cronbach_by_group(
    result_scores: IndexResult | pd.DataFrame,
    spec: IndexSpec,
    *,
    items_level: int | None = None,
    missing: Literal["pairwise", "complete"] = "pairwise",
    apply_directions: bool = True,
) -> pd.DataFrame:
    """Cronbach's alpha of every group of the tree.

    Parameters
    ----------
    items_level:
        The items of each group: by default its children; with a level (1 = indicators), its
        descendants at that level (COINr's ``get_cronbach(iCodes = group, Level = 1)``), for
        every group above that level.

    Returns
    -------
    pandas.DataFrame
        ``group, level, k, n_complete, alpha`` (``n_complete``: units observed on every item);
        groups with fewer than 2 items present are left out.
    """
    frame = tree_frame(result_scores, spec, apply_directions=apply_directions)
    levels = node_levels(spec)
    rows = []
    for group, items in _groups(spec, levels, items_level, None):
        present = [i for i in items if i in frame.columns]
        if items_level is not None:
            present = [i for i in present if levels[i] == items_level]
        if len(present) < 2:
            continue
        block = frame[present]
        rows.append(
            {
                "group": group,
                "level": levels[group],
                "k": len(present),
                "n_complete": int(block.notna().all(axis=1).sum()),
                "alpha": cronbach_alpha(block, missing=missing),
            }
        )
    return pd.DataFrame(rows, columns=["group", "level", "k", "n_complete", "alpha"])


def pca(data: pd.DataFrame, *, n_components: int | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Principal component analysis of standardised data (Handbook step 4; COINr ``get_PCA``).

    Units with any missing value are dropped (complete cases, as COINr, which calls
    ``na.omit`` before ``prcomp``); each column is then centred and divided by its sample
    standard deviation, so the PCA is that of the correlation matrix.

    Parameters
    ----------
    data:
        Units x variables, numeric.
    n_components:
        Keep the first components only; default all (``min(units - 1, variables)`` carry
        variance).

    Returns
    -------
    tuple
        ``loadings``: variables x components (``PC1``, ``PC2``...), the unit-norm eigenvectors
        (R's ``prcomp(...)$rotation``; COINr's PCA weights are ``PC1``), each oriented so that
        its entries sum to a positive number (a PCA's signs are arbitrary); and the share of
        the total variance each component explains (sums to 1 over all components).
        ``loadings.attrs`` holds ``n_used``, ``n_dropped`` (units) and ``variances``
        (eigenvalues of the correlation matrix).

    Raises
    ------
    DataFormatError
        Fewer than 2 complete units, or a column with no variance among them.
    """
    frame = _numeric(data, "pca")
    complete = frame.dropna()
    n = len(complete)
    if n < 2 or frame.shape[1] < 1:
        raise DataFormatError(
            f"PCA needs at least 2 units observed on every variable, got {n}",
            fix="impute missing values or drop the sparsest variables",
        )
    sd = complete.std(ddof=1)
    flat = [str(c) for c in sd.index[~(sd > 0)]]
    if flat:
        raise DataFormatError(
            f"variable(s) {flat[:8]} do not vary among the complete cases",
            fix="drop constant variables before PCA",
        )
    z = ((complete - complete.mean()) / sd).to_numpy()
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    variances = s**2 / (n - 1)
    ratio = variances / variances.sum()
    rotation = vt.T
    for j in range(rotation.shape[1]):
        total = rotation[:, j].sum()
        pivot = total if abs(total) > 1e-12 else rotation[np.argmax(np.abs(rotation[:, j])), j]
        if pivot < 0:
            rotation[:, j] = -rotation[:, j]
    m = rotation.shape[1] if n_components is None else min(n_components, rotation.shape[1])
    loadings = pd.DataFrame(
        rotation[:, :m], index=frame.columns, columns=[f"PC{i + 1}" for i in range(m)]
    )
    loadings.attrs.update(n_used=n, n_dropped=len(frame) - n, variances=variances[:m])
    return loadings, ratio[:m]


def pca_by_group(
    result_scores: IndexResult | pd.DataFrame,
    spec: IndexSpec,
    *,
    items_level: int | None = None,
    apply_directions: bool = True,
) -> pd.DataFrame:
    """PCA of every group of the tree (COINr's ``get_PCA(by_groups = TRUE)``).

    Returns
    -------
    pandas.DataFrame
        ``group, level, k, n_used, pc1_share, pc1_loadings`` (``pc1_share``: variance share of
        the first component, 0-1; ``pc1_loadings``: ``{item: loading}``); groups with fewer than
        2 items, or too few complete units, are left out.
    """
    frame = tree_frame(result_scores, spec, apply_directions=apply_directions)
    levels = node_levels(spec)
    rows = []
    for group, items in _groups(spec, levels, items_level, None):
        present = [i for i in items if i in frame.columns]
        if items_level is not None:
            present = [i for i in present if levels[i] == items_level]
        if len(present) < 2:
            continue
        try:
            loadings, ratio = pca(frame[present])
        except DataFormatError:
            continue
        rows.append(
            {
                "group": group,
                "level": levels[group],
                "k": len(present),
                "n_used": loadings.attrs["n_used"],
                "pc1_share": float(ratio[0]),
                "pc1_loadings": loadings["PC1"].to_dict(),
            }
        )
    return pd.DataFrame(
        rows, columns=["group", "level", "k", "n_used", "pc1_share", "pc1_loadings"]
    )


# -- removing components ------------------------------------------------------------------


def _removable(spec: IndexSpec, path: str, target: str) -> str | None:
    """The node whose zero weight removes ``path``: itself, or for an only child (or one whose
    siblings all weigh 0) its lowest ancestor with weighted siblings; None if that would empty
    ``target``."""
    while True:
        parent = _parent(path)
        own = path.rsplit("/", 1)[-1]
        others = sum(c.weight for c in _node(spec, parent).children if c.id != own)
        if others > 0:
            return path
        if parent in (target, ROOT):
            return None
        path = parent


def _prune(spec: IndexSpec, path: str) -> IndexSpec:
    """``spec`` without the node at ``path``, its siblings' weights rescaled to sum to 1."""
    parts = path.split("/")

    def rebuild(node: Node, depth: int) -> Node:
        if depth == len(parts) - 1:
            kids = tuple(c for c in node.children if c.id != parts[depth])
        else:
            kids = tuple(
                rebuild(c, depth + 1) if c.id == parts[depth] else c for c in node.children
            )
        return replace(node, children=kids)

    return replace(spec, root=rebuild(spec.root, 0)).with_weights({}, renormalise=True)


_COMPUTE_KEYS = ("weights", "renormalise", "normalisation", "aggregation", "exclude", "prepared")


def removal_impact(
    spec: IndexSpec,
    matrix_or_frame: Matrix | pd.DataFrame,
    units: Mapping[str, tuple[str, bool]] | pd.DataFrame | None = None,
    *,
    level: int | None = None,
    nodes: Sequence[str] | None = None,
    target: str = ROOT,
    exclude_aggregates: bool = False,
    **compute_kwargs: Any,
) -> pd.DataFrame:
    """Rank changes when each component is removed in turn (COINr's ``remove_elements``).

    A node is removed by setting its weight to 0 and rescaling its siblings to sum to 1 (as
    ``spec.with_weights({node: 0}, renormalise=True)``); the index is then rebuilt with the same
    data and method. An only child (or one whose siblings all weigh 0) cannot be zero-weighted
    alone, so its lowest ancestor that has weighted siblings is removed instead (reported as
    ``removed_as``); a node whose removal would empty ``target`` is skipped with a warning.
    With arithmetic means throughout, runs are evaluated as one batch of weight vectors. With
    any other aggregation (geometric, harmonic, ...) or an availability rule, the node is
    dropped from the tree instead and the index rebuilt: a zero weight on a zero score is
    undefined in a geometric mean (0 * log 0), and an availability rule counts zero-weighted
    children; for arithmetic means both are the same.

    Parameters
    ----------
    spec, matrix_or_frame, units:
        As :func:`powerscope.index.compute` (``units`` gives names and aggregate flags).
    level:
        Only remove the nodes of this COINr level (1 = indicators, 2 = their parents, ...).
    nodes:
        Only remove these nodes (paths, ids or aliases).
    target:
        The node whose rank is followed (default the index); only its descendants are removed.
    exclude_aggregates:
        Rank only units that are not aggregates (e.g. without the CETI's "Europe").
    **compute_kwargs:
        ``weights``, ``renormalise``, ``normalisation``, ``aggregation``, ``exclude``,
        ``prepared`` (data already directed and normalised by a build), passed to
        :func:`compute` for the nominal build and every run.

    Returns
    -------
    pandas.DataFrame
        Long table, one row per removed node and unit: ``removed, removed_as, level, code, name,
        is_aggregate, score_nominal, score_removed, rank_nominal, rank_removed, rank_change,
        mean_abs_rank_change``. ``rank_change = rank_removed - rank_nominal`` in places: positive
        when the unit falls (COINr's ``RankDiffs`` has the opposite sign). ``mean_abs_rank_change``
        is the mean over units of ``|rank_change|`` for that removed node (COINr's
        ``MeanAbsDiff``; units without a rank are left out). See :func:`removal_summary`.
    """
    unknown = sorted(set(compute_kwargs) - set(_COMPUTE_KEYS))
    if unknown:
        raise TypeError(f"removal_impact() got unexpected keyword argument(s) {unknown}")
    weights = compute_kwargs.get("weights")
    renormalise = bool(compute_kwargs.get("renormalise"))
    base = spec.with_weights(weights, renormalise=renormalise) if weights else spec
    normalisation = compute_kwargs.get("normalisation")
    aggregation = compute_kwargs.get("aggregation")
    exclude = list(compute_kwargs.get("exclude") or ())
    prepared = bool(compute_kwargs.get("prepared"))
    if prepared:
        normalisation = "none"
    nominal = compute(
        base,
        matrix_or_frame,
        units=units,
        normalisation=normalisation,
        aggregation=aggregation,
        exclude=exclude,
        prepared=prepared,
    )
    matrix = (
        matrix_or_frame
        if isinstance(matrix_or_frame, Matrix)
        else Matrix.from_frame(matrix_or_frame)
    )
    if exclude:
        matrix = matrix.drop_units(exclude)
    compiled = compile_index(
        base, matrix, normalisation=normalisation, aggregation=aggregation, prepared=prepared
    )
    target_path = target if target == ROOT else base.find(target)
    levels = node_levels(base)
    under = [p for p in base.paths() if target_path == ROOT or p.startswith(target_path + "/")]
    if nodes is not None:
        chosen = [base.find(n) for n in nodes]
        outside = [c for c in chosen if c not in under]
        if outside:
            raise SpecError(
                f"node(s) {outside} are not below {target_path!r}",
                fix="remove only components of the target node",
            )
        under = [p for p in under if p in set(chosen)]
    if level is not None:
        under = [p for p in under if levels[p] == level]
    runs: list[tuple[str, str]] = []
    for path in under:
        effective = _removable(base, path, target_path)
        if effective is None:
            warnings.warn(
                f"removing {path!r} would leave {target_path!r} with nothing to aggregate; skipped",
                UserWarning,
                stacklevel=2,
            )
            continue
        runs.append((path, effective))

    t = compiled.paths.index(target_path)
    nominal_scores = compiled.evaluate()[:, t]
    if not runs:
        removed_scores = np.empty((0, len(compiled.units)))
    elif not _zero_weight_is_removal(compiled):
        removed_scores = np.stack(
            [
                _score_at(
                    _prune(base, eff), matrix, normalisation, aggregation, target_path, prepared
                )
                for _, eff in runs
            ]
        )
    else:
        batch = np.stack([compiled.weight_vector({eff: 0.0}, renormalise=True) for _, eff in runs])
        removed_scores = compiled.evaluate(batch)[:, :, t]

    is_agg = nominal.is_aggregate
    rank_rows = ~is_agg if exclude_aggregates else np.ones(len(is_agg), dtype=bool)
    rank_nominal = np.full(len(is_agg), np.nan)
    rank_nominal[rank_rows] = rank_descending(nominal_scores[rank_rows])
    rank_removed = np.full(removed_scores.shape, np.nan)
    if runs:
        rank_removed[:, rank_rows] = rank_descending(removed_scores[:, rank_rows].T).T
    change = rank_removed - rank_nominal[None, :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        mean_abs = np.nanmean(np.abs(change), axis=1) if runs else np.empty(0)

    k, n_units = len(runs), len(compiled.units)
    frame = pd.DataFrame(
        {
            "removed": np.repeat([r for r, _ in runs], n_units),
            "removed_as": np.repeat([e for _, e in runs], n_units),
            "level": np.repeat([levels[r] for r, _ in runs], n_units).astype(int),
            "code": np.tile(np.array(nominal.codes, dtype=object), k),
            "name": np.tile(np.array(nominal.names, dtype=object), k),
            "is_aggregate": np.tile(is_agg.astype(bool), k),
            "score_nominal": np.tile(nominal_scores, k),
            "score_removed": removed_scores.reshape(-1),
            "rank_nominal": pd.array(np.tile(rank_nominal, k), dtype="Float64").astype("Int64"),
            "rank_removed": pd.array(rank_removed.reshape(-1), dtype="Float64").astype("Int64"),
            "rank_change": pd.array(change.reshape(-1), dtype="Float64").astype("Int64"),
            "mean_abs_rank_change": np.repeat(mean_abs, n_units),
        }
    )
    return frame


def _zero_weight_is_removal(compiled: CompiledIndex) -> bool:
    """Whether a zero weight removes a child exactly: arithmetic means only, and no
    availability rule (which counts children, weighted or not)."""
    methods = compiled.methods or [compiled.aggregate]
    return all(m == "arithmetic" for m in methods) and compiled.min_availability == 0


def _score_at(
    spec: IndexSpec,
    matrix: Matrix,
    normalisation: str | None,
    aggregation: str | None,
    target: str,
    prepared: bool = False,
) -> np.ndarray:
    compiled = compile_index(
        spec, matrix, normalisation=normalisation, aggregation=aggregation, prepared=prepared
    )
    return compiled.evaluate()[:, compiled.paths.index(target)]


def removal_summary(impact: pd.DataFrame) -> pd.DataFrame:
    """One row per removed node of a :func:`removal_impact` table, largest effect first.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``removed``: ``removed_as``, ``level``, ``mean_abs_rank_change`` (COINr's
        ``MeanAbsDiff``, in places), ``max_abs_rank_change`` and ``units_moved`` (units whose
        rank changes).
    """
    absolute = impact["rank_change"].astype("Float64").abs()
    grouped = impact.assign(_abs=absolute).groupby("removed", sort=False)
    summary = pd.DataFrame(
        {
            "removed_as": grouped["removed_as"].first(),
            "level": grouped["level"].first(),
            "mean_abs_rank_change": grouped["mean_abs_rank_change"].first(),
            "max_abs_rank_change": grouped["_abs"].max().astype(float),
            "units_moved": grouped["_abs"].apply(lambda s: int((s.fillna(0) > 0).sum())),
        }
    )
    return summary.sort_values("mean_abs_rank_change", ascending=False, kind="stable")
