"""Weights: equal, normalised, PCA-based, and the effective weight of each indicator.

- :func:`equal_weights`, :func:`normalise_weights`: the Handbook's equal weighting and the
  rescaling of a group's weights to sum 1 (OECD/JRC 2008, section 6).
- :func:`pca` and :func:`pca_weights`: principal components of a group's indicators, and COINr's
  ``get_PCA`` weights (R/PCA.R): the loadings of the first principal component of the
  standardised data (``stats::prcomp(center = TRUE, scale = TRUE)`` after listwise deletion).
- :func:`effective_weights`: the weight an indicator (or any node) effectively carries in the
  index, the product of the within-group normalised weights along its path (COINr
  ``get_eff_wts``, R/weights.R). This is a *nominal* weight; the actual importance also depends
  on correlations (Paruolo, Saisana & Saltelli, 2013, JRSS A 176(3)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from powerscope.errors import DataFormatError, SpecError, WeightsError

__all__ = [
    "PCAResult",
    "effective_weights",
    "effective_weights_array",
    "equal_weights",
    "normalise_weights",
    "pca",
    "pca_weights",
]


def equal_weights(n: int) -> np.ndarray:
    """``n`` equal weights summing to 1 (Handbook "equal weighting").

    Raises
    ------
    SpecError
        If ``n`` is not a positive integer.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise SpecError(
            f"parameter 'n' must be a positive integer, got {n!r}",
            where="n",
            fix="give the number of components in the group",
        )
    return np.full(int(n), 1.0 / int(n))


def normalise_weights(w: ArrayLike, *, where: str = "weights") -> np.ndarray:
    """Rescale non-negative weights to sum to 1 (COINr rescales within each group likewise).

    Raises
    ------
    WeightsError (a SpecError)
        Negative, missing or infinite weights, or weights summing to 0.
    """
    try:
        arr = np.asarray(w, dtype=float)
    except (TypeError, ValueError):
        raise WeightsError(
            f"weights are not numeric: {w!r}", where=where, fix="give numbers"
        ) from None
    if arr.ndim != 1 or arr.size == 0:
        raise WeightsError(
            f"weights must be a non-empty 1-D sequence, got shape {arr.shape}",
            where=where,
            fix="give one weight per component",
        )
    if not np.all(np.isfinite(arr)):
        raise WeightsError(
            "weights contain missing or infinite values",
            where=where,
            fix="give a finite weight to every component",
        )
    if np.any(arr < 0):
        bad = np.flatnonzero(arr < 0).tolist()
        raise WeightsError(
            f"negative weight(s) at position(s) {bad}",
            where=where,
            fix="weights must be >= 0 (use 0 to drop a component)",
        )
    total = float(arr.sum())
    if total <= 0:
        raise WeightsError(
            "weights sum to 0", where=where, fix="give at least one component a positive weight"
        )
    return arr / total


@dataclass(frozen=True)
class PCAResult:
    """Principal components of a set of indicators (as ``stats::prcomp``).

    Attributes
    ----------
    loadings:
        ``(indicators, components)``: the unit-norm eigenvectors (``prcomp``'s ``rotation``),
        each component's sign fixed so that its loadings sum to >= 0.
    explained_variance:
        Variance of each component (``prcomp``'s ``sdev^2``; eigenvalues of the correlation
        matrix when standardised).
    explained_ratio:
        Share of the total variance explained by each component.
    scores:
        ``(rows used, components)``: the data projected on the components (``prcomp``'s ``x``).
    rows_used:
        Mask of the units used (complete cases: listwise deletion, as COINr ``na.omit``).
    center, scale:
        Column means and standard deviations (sample, ``ddof = 1``) used; ``scale`` is all ones
        when not standardised.
    """

    loadings: np.ndarray
    explained_variance: np.ndarray
    explained_ratio: np.ndarray
    scores: np.ndarray
    rows_used: np.ndarray
    center: np.ndarray
    scale: np.ndarray


def pca(x: ArrayLike, *, standardise: bool = True) -> PCAResult:
    """Principal component analysis of the indicators (columns) of ``x``.

    Rows with any missing value are dropped (COINr ``get_PCA`` does ``na.omit`` with a warning).
    The columns are centred and, if ``standardise`` (COINr: ``scale = TRUE``), divided by their
    sample standard deviation, so the PCA is of the correlation matrix. Computed by SVD.

    Deliberate difference: ``prcomp``'s signs are whatever LAPACK returns; here each component is
    oriented so that its loadings sum to a non-negative number (ties: the largest loading
    positive), which makes results reproducible and PC1 weights mostly positive.

    Raises
    ------
    DataFormatError
        Fewer than two complete rows, fewer than one column, or a constant column when
        standardising.
    """
    try:
        v = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(
            f"x is not numeric: {exc}", where="x", fix="pass a float array (units x indicators)"
        ) from None
    if v.ndim != 2 or v.shape[1] < 1:
        raise DataFormatError(
            f"x has shape {v.shape}, expected (units, indicators)",
            where="x",
            fix="pass a 2-D array, one column per indicator",
        )
    rows = ~np.isnan(v).any(axis=1)
    data = v[rows]
    n = data.shape[0]
    if n < 2:
        raise DataFormatError(
            f"PCA needs at least 2 units with complete data, found {n}",
            where="x",
            fix="impute missing values first, or use fewer indicators",
        )
    center = data.mean(axis=0)
    z = data - center
    if standardise:
        scale = z.std(axis=0, ddof=1)
        if np.any(scale == 0):
            bad = np.flatnonzero(scale == 0).tolist()
            raise DataFormatError(
                f"cannot standardise constant indicator column(s) {bad}",
                where="x",
                fix="drop constant indicators before PCA",
            )
        z = z / scale
    else:
        scale = np.ones(v.shape[1])
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    loadings = vt.T.copy()
    for k in range(loadings.shape[1]):
        total = loadings[:, k].sum()
        flip = total < -1e-12 or (
            abs(total) <= 1e-12 and loadings[np.argmax(np.abs(loadings[:, k])), k] < 0
        )
        if flip:
            loadings[:, k] *= -1.0
    variance = s**2 / (n - 1)
    total_var = variance.sum()
    ratio = variance / total_var if total_var > 0 else np.full(variance.shape, np.nan)
    return PCAResult(
        loadings=loadings,
        explained_variance=variance,
        explained_ratio=ratio,
        scores=z @ loadings,
        rows_used=rows,
        center=center,
        scale=scale,
    )


def pca_weights(x: ArrayLike, *, method: Literal["loadings", "squared"] = "loadings") -> np.ndarray:
    """PCA weights of a group's indicators (COINr ``get_PCA(weights_to = ...)``).

    Parameters
    ----------
    x:
        The group's indicator data ``(units, indicators)``; incomplete rows are dropped.
    method:
        ``"loadings"`` (COINr): the first principal component's loadings themselves
        (``prcomp(...)$rotation[, 1]``): a unit-norm vector, so they sum to more than 1 and can
        be negative; COINr writes them as weights unchanged (aggregation then rescales within the
        group). ``"squared"``: the squared loadings, which are non-negative and sum to 1 (each
        indicator's share of the first component), closer to the Handbook's factor-analysis
        weights (section 6.1, squared loadings scaled to unity).

    See :func:`pca` for the sign convention.
    """
    if method not in ("loadings", "squared"):
        raise SpecError(
            f"unknown PCA weighting method {method!r}",
            where="method",
            fix="use 'loadings' (COINr) or 'squared'",
        )
    first = pca(x).loadings[:, 0]
    return first.copy() if method == "loadings" else first**2


def effective_weights_array(parents: ArrayLike, weights: ArrayLike) -> np.ndarray:
    """Effective weight of every node of a tree given as parent indices and raw weights.

    Parameters
    ----------
    parents:
        ``parents[i]`` is the index of node ``i``'s parent, or ``-1`` for a top-level node (a
        child of the implicit root, whose weight is 1).
    weights:
        Raw weight of each node; normalised to sum 1 among siblings (nodes with the same parent).

    Returns
    -------
    numpy.ndarray
        ``prod`` of the normalised weights from the top down to each node (COINr
        ``get_eff_wts``). The leaves' effective weights sum to 1 when every node has a leaf
        below it.

    Raises
    ------
    DataFormatError
        Arrays of different lengths, parent indices out of range, or a cycle.
    WeightsError
        Negative or non-finite weights, or a sibling group whose weights sum to 0.
    """
    par = np.asarray(parents)
    w = np.asarray(weights, dtype=float)
    if par.ndim != 1 or w.shape != par.shape:
        raise DataFormatError(
            f"parents {par.shape} and weights {w.shape} must be 1-D of the same length",
            where="parents/weights",
            fix="give one parent index and one weight per node",
        )
    if par.size and not np.issubdtype(par.dtype, np.integer):
        raise DataFormatError(
            "parents must be integer node indices (-1 for top level)",
            where="parents",
            fix="give integer indices",
        )
    n = par.size
    par = par.astype(int)
    if np.any((par < -1) | (par >= n)) or np.any(par == np.arange(n)):
        raise DataFormatError(
            "parents has an index out of range or a node that is its own parent",
            where="parents",
            fix="use -1 for top-level nodes and 0-based node indices otherwise",
        )
    norm = np.empty(n)
    for parent in np.unique(par):
        kids = np.flatnonzero(par == parent)
        norm[kids] = normalise_weights(w[kids], where=f"children of node {parent}")
    eff = np.full(n, np.nan)
    for i in range(n):
        chain = []
        node = i
        while node != -1 and np.isnan(eff[node]):
            chain.append(node)
            if len(chain) > n:
                raise DataFormatError(
                    "parents contains a cycle", where="parents", fix="make the tree acyclic"
                )
            node = int(par[node])
        base = 1.0 if node == -1 else float(eff[node])
        for k in reversed(chain):
            base *= norm[k]
            eff[k] = base
    return eff


def effective_weights(
    tree: Mapping[str, float] | Sequence[tuple[str, float]],
) -> dict[str, float]:
    """Effective weight of every node of an index tree given as ``path -> weight``.

    Parameters
    ----------
    tree:
        Weights by node path, paths joined by ``/`` from the top level without the root, as
        :meth:`powerscope.index.spec.IndexSpec.weights` gives them:
        ``{"Conn": 1, "Conn/Physical": 1, "Conn/Physical/LPI": 1, ...}`` (or a list of
        ``(path, weight)`` pairs). Every node's parent must be listed too.

    Returns
    -------
    dict
        Path -> effective weight: the product of the sibling-normalised weights along the path
        (COINr ``get_eff_wts``). For the leaves they sum to 1.

    Raises
    ------
    SpecError
        A path whose parent is missing, a duplicate path, or bad weights (WeightsError).
    """
    items = list(tree.items()) if isinstance(tree, Mapping) else list(tree)
    paths: list[str] = []
    raw: list[float] = []
    for entry in items:
        if not (isinstance(entry, tuple | list) and len(entry) == 2):
            raise SpecError(
                f"tree entry {entry!r} is not a (path, weight) pair",
                where="tree",
                fix="give a mapping path -> weight or a list of (path, weight)",
            )
        path, weight = entry
        clean = "/".join(part.strip() for part in str(path).split("/"))
        if not clean or any(not part for part in clean.split("/")):
            raise SpecError(f"empty node path {path!r}", where="tree", fix="name every node")
        paths.append(clean)
        try:
            raw.append(float(weight))
        except (TypeError, ValueError):
            raise WeightsError(
                f"weight of {clean!r} is not a number: {weight!r}",
                where=clean,
                fix="give numbers",
            ) from None
    index = {}
    for i, path in enumerate(paths):
        if path in index:
            raise SpecError(f"duplicate node path {path!r}", where="tree", fix="list it once")
        index[path] = i
    parents = np.full(len(paths), -1, dtype=int)
    for i, path in enumerate(paths):
        if "/" in path:
            parent = path.rsplit("/", 1)[0]
            if parent not in index:
                raise SpecError(
                    f"node {path!r} has no weight for its parent {parent!r}",
                    where=path,
                    fix=f"add {parent!r} with its weight to the tree",
                )
            parents[i] = index[parent]
    eff = effective_weights_array(parents, np.asarray(raw, dtype=float))
    return {path: float(eff[i]) for i, path in enumerate(paths)}
