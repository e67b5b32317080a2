"""Global Firepower's PowerIndex explained: a transparent statistical model of the published ranking.

Global Firepower (GFP) ranks 145 countries by a *PowerIndex* (lower is stronger; the United States
scores 0.0741, South Korea is 5th with 0.1642) computed from about 54 published factor values, but
it does not publish its formula. This module fits an open linear model that predicts the published
index from the published factors and reports, honestly and out of sample, how well it does, which
factors carry the weight, and which factors put a given country where it is.

.. important::
   This explains GFP's *published ranking* statistically. It is **not** GFP's secret formula: the
   coefficients are the weights of a regularised regression that reproduces the ranking closely,
   chosen among many near-equivalent weightings (many factors are strongly correlated, e.g.
   population, manpower and labour force), so an individual coefficient is one plausible
   attribution, not a recovered GFP weight. Use :func:`compare_models` to see how much the
   attribution depends on the method.

Method
------
*Features* (:func:`design`). The long factor table is made wide (countries x factors). Every GFP
factor is a non-negative count or amount (people, counts, US dollars, km, km2, barrels, m3,
tonnes) spread over several orders of magnitude, so by default each value ``x`` becomes
``log(1 + x)`` (``transform="log1p"``): a unit step is then roughly a *ratio* of the raw value, the
hundredth tank weighs less than the first, and zero stays zero. ``transform="none"`` keeps the raw
units. Features are then standardised (mean 0, standard deviation 1 over the countries fitted),
so coefficients are *per standard deviation of the transformed factor* and comparable.

*Target.* ``log(PowerIndex)``. The index behaves like a ratio (0.07 to about 10), so its log makes
factor effects additive; a coefficient ``b`` means "one standard deviation more of this factor goes
with a PowerIndex ``exp(b)`` times as large" (``b < 0``: lower index, stronger).

*Models* (all with an intercept, all from scikit-learn):

``"ridge"``
    Ridge regression (Hoerl & Kennard, 1970, *Technometrics* 12(1):55-67), penalty chosen by
    efficient leave-one-out cross-validation (``RidgeCV``) over ``RIDGE_ALPHAS``. Keeps every
    factor, shrinks correlated ones together.
``"lasso"``
    The lasso (Tibshirani, 1996, *J. R. Stat. Soc. B* 58(1):267-288), penalty chosen by 5-fold
    cross-validation (``LassoCV``) over ``LASSO_ALPHAS``. Sets many coefficients exactly to zero.
``"nnls"``
    Non-negative least squares (Lawson & Hanson, 1974, *Solving Least Squares Problems*), i.e.
    ``LinearRegression(positive=True)`` fitted to ``-log(PowerIndex)``: a *constrained* model in
    which more of any factor can only make a country stronger (lower its index) or do nothing.
    Its coefficients are shown in the same log-index units as the others, so they are all
    ``<= 0`` there (``>= 0`` on the ``-log`` scale they are fitted on).

*Validation.* Repeated K-fold cross-validation (Stone, 1974, *J. R. Stat. Soc. B* 36(2):111-147;
``RepeatedKFold``): with ``folds=10, repeats=5`` every country is predicted 5 times by a model that
never saw it, imputation, standardisation and penalty choice included (all refitted inside each
training fold). Per repeat the out-of-fold predictions are ranked among themselves and compared
with GFP's ranks; the metrics below are the means over repeats (``*_sd``: their standard
deviation). In-sample metrics (the model fitted to all countries) are reported beside them and
are optimistic by construction.

``spearman``
    Spearman rank correlation between predicted and GFP ranks.
``rank_mae``
    Mean absolute difference between predicted and GFP rank (in rank places).
``r2``
    R^2 of ``log(PowerIndex)``.
``within5``
    Share of countries whose predicted rank is within +/-5 places of GFP's.

Missing values
--------------
GFP leaves some cells empty; they are read as missing, never as zero. In the 2026 snapshot the only
incomplete factor is ``total_naval_fleet_tonnage_mt``, missing for 94 of 145 countries, among
them Mexico with 164 vessels: a missing tonnage is *not* an absent navy, and GFP documents no
rule that it is, so powerscope offers no zero-filling. The policy, chosen explicitly by the
caller and never applied silently:

- default (``impute=None``): a missing value in a factor the model uses raises
  :class:`~powerscope.errors.DataFormatError` naming each incomplete factor and its countries;
- ``impute="median"``: each missing cell gets its factor's median over the countries with a value
  (on the transformed scale; inside every cross-validation training fold when fitting), and the
  filled cells are flagged in :attr:`DesignReport.imputed` and listed in
  :attr:`DesignReport.imputed_cells`;
- ``drop_incomplete_factors=True``: factors with any missing value are left out and listed in
  :attr:`DesignReport.dropped_factors`;
- ``factors=[...]``: choose the factors yourself.

Example
-------
>>> from powerscope.data.store import SnapshotStore
>>> store = SnapshotStore()
>>> model = fit_gfp(store.table("gfp_index"), store.table("gfp_factors"),
...                 drop_incomplete_factors=True)                     # doctest: +SKIP
>>> model.metrics["spearman_oof"]                                      # doctest: +SKIP
>>> model.explain("KOR").head(8)                                       # doctest: +SKIP
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LassoCV, LinearRegression, RidgeCV
from sklearn.model_selection import KFold, RepeatedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from powerscope.errors import DataFormatError, SpecError, UnknownEntityError, require_columns

ModelName = Literal["ridge", "lasso", "nnls"]

#: The models :func:`fit_gfp` knows.
MODELS: Final[tuple[str, ...]] = ("ridge", "lasso", "nnls")
#: Feature transforms :func:`design` knows.
TRANSFORMS: Final[tuple[str, ...]] = ("log1p", "none")
#: Imputation methods :func:`design` knows (``None``: missing values are an error).
IMPUTE_METHODS: Final[tuple[str, ...]] = ("median",)

#: Ridge penalties searched (standardised features; sklearn's ``alpha``, a sum-of-squares scale).
RIDGE_ALPHAS: Final = np.logspace(-3, 5, 41)
#: Lasso penalties searched (standardised features, sklearn's mean-squared-error scale). Every
#: coefficient is zero once ``alpha`` exceeds ``max |cov(z, log index)|``, at most the standard
#: deviation of the log index (about 1 for GFP), so the grid spans "no penalty" to "empty model".
LASSO_ALPHAS: Final = np.logspace(-3, 0.5, 36)
#: Inner cross-validation folds for the lasso penalty.
LASSO_INNER_FOLDS: Final = 5

#: Metric names, in display order.
METRICS: Final[tuple[str, ...]] = (
    "spearman_in_sample",
    "spearman_oof",
    "spearman_oof_sd",
    "rank_mae_in_sample",
    "rank_mae_oof",
    "rank_mae_oof_sd",
    "r2_in_sample",
    "r2_oof",
    "within5_in_sample",
    "within5_oof",
)

_FACTOR_COLUMNS: Final = ("code", "factor", "value")
_INDEX_COLUMNS: Final = ("code", "pwr_index")
_WITHIN: Final = 5


# --------------------------------------------------------------------------------------------
# Design matrix
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DesignReport:
    """What :func:`design` did to the factor table.

    Attributes
    ----------
    transform:
        ``"log1p"`` or ``"none"``.
    impute:
        ``"median"`` or ``None``.
    factors:
        The factors in the matrix, in order.
    dropped_factors:
        Incomplete factors left out because ``drop_incomplete_factors=True``.
    raw:
        Countries x factors in the source units, missing cells as NaN (all factors of the table,
        for the countries in the matrix).
    imputed:
        Boolean mask, countries x ``factors``: True where a missing value was filled.
    imputed_cells:
        One row per filled cell: ``code``, ``factor``, ``fill`` (on the transformed scale) and
        ``fill_raw`` (in the source unit).
    units:
        Unit of each factor (empty string when the table has no ``unit`` column).
    """

    transform: str
    impute: str | None
    factors: tuple[str, ...]
    dropped_factors: tuple[str, ...]
    raw: pd.DataFrame
    imputed: pd.DataFrame
    imputed_cells: pd.DataFrame
    units: dict[str, str] = field(default_factory=dict)

    @property
    def n_imputed(self) -> int:
        """Number of filled cells."""
        return len(self.imputed_cells)

    def summary(self) -> str:
        """One paragraph: transform, factors used and dropped, cells imputed per factor."""
        lines = [
            f"{self.raw.shape[0]} countries x {len(self.factors)} factors, "
            f"transform={self.transform}, impute={self.impute}"
        ]
        if self.dropped_factors:
            lines.append("dropped (incomplete): " + ", ".join(self.dropped_factors))
        if self.n_imputed:
            for factor, cells in self.imputed_cells.groupby("factor", sort=False):
                lines.append(
                    f"imputed {factor} ({self.impute} = {cells['fill_raw'].iloc[0]:g}) for "
                    f"{len(cells)} countries: " + ", ".join(cells["code"])
                )
        return "\n".join(lines)


def _check_choice(name: str, value: object, choices: Sequence[object]) -> None:
    if value not in choices:
        raise SpecError(
            f"unknown {name} {value!r}",
            where=f"argument {name}",
            fix="use one of " + ", ".join(repr(c) for c in choices),
        )


def _require_columns(frame: object, columns: Sequence[str], what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise DataFormatError(
            f"the {what} must be a pandas DataFrame, not {type(frame).__name__}",
            where=what,
            fix=f"pass a DataFrame with columns {', '.join(columns)}",
        )
    require_columns(
        list(frame.columns), columns, what, f"the {what} needs columns {', '.join(columns)}"
    )
    if frame.empty:
        raise DataFormatError(f"the {what} is empty", where=what, fix="pass a non-empty table")
    return frame


def _numeric(values: pd.Series, what: str, labels: pd.Series) -> np.ndarray:
    """``values`` as float64; DataFormatError naming the non-numeric or infinite cells."""
    if pd.api.types.is_bool_dtype(values):
        numeric = pd.Series(np.nan, index=values.index)
    elif pd.api.types.is_numeric_dtype(values):
        numeric = values.astype("float64")
    else:
        numeric = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = (numeric.isna() & values.notna()) | np.isinf(numeric)
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        shown = "; ".join(f"{labels.iloc[r]}={values.iloc[r]!r}" for r in rows[:10])
        more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
        raise DataFormatError(
            f"{len(rows)} non-numeric or infinite value(s): {shown}{more}",
            where=f"{what}, row {int(rows[0]) + 1} of {len(values)}",
            fix="values must be finite numbers; leave a missing value as NaN",
        )
    return numeric.to_numpy()


def _wide_factors(factors_long: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Validate the long factor table; return (countries x factors raw values, units)."""
    frame = _require_columns(factors_long, _FACTOR_COLUMNS, "factor table")
    for column in ("code", "factor"):
        blank = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
        if blank.any():
            raise DataFormatError(
                f"{int(blank.sum())} row(s) without a {column}",
                where=f"factor table column {column!r}, row {int(np.flatnonzero(blank)[0]) + 1}",
                fix=f"every row needs a {column}",
            )
    codes = frame["code"].astype(str).str.strip()
    names = frame["factor"].astype(str).str.strip()
    labels = codes + "/" + names
    values = _numeric(frame["value"], "factor table column 'value'", labels)
    duplicated = labels.duplicated(keep=False)
    if duplicated.any():
        pairs = sorted(set(labels[duplicated]))
        raise DataFormatError(
            f"{len(pairs)} country/factor pair(s) appear more than once: "
            + ", ".join(pairs[:10])
            + (" ..." if len(pairs) > 10 else ""),
            where="factor table",
            fix="give one value per country and factor",
        )
    long = pd.DataFrame({"code": codes.to_numpy(), "factor": names.to_numpy(), "value": values})
    factor_order = list(dict.fromkeys(long["factor"]))
    wide = long.pivot(index="code", columns="factor", values="value")
    wide = wide.reindex(columns=factor_order).sort_index()
    wide.columns.name = "factor"
    wide.index.name = "code"
    units: dict[str, str] = {f: "" for f in factor_order}
    if "unit" in frame.columns:
        unit_of = pd.DataFrame({"factor": names.to_numpy(), "unit": frame["unit"].astype(str)})
        for factor, unit in unit_of.groupby("factor", sort=False)["unit"].first().items():
            units[str(factor)] = str(unit)
    return wide, units


def _transform(raw: pd.DataFrame, transform: str) -> pd.DataFrame:
    if transform == "none":
        return raw.copy()
    negative = raw < 0
    if negative.to_numpy().any():
        cells = [
            f"{code}/{factor}={raw.at[code, factor]:g}"
            for code, factor in negative.stack().loc[lambda s: s].index[:10]
        ]
        raise DataFormatError(
            f"{int(negative.to_numpy().sum())} negative value(s) cannot be log1p-transformed: "
            + ", ".join(cells),
            where="factor table column 'value'",
            fix="GFP factors are counts and amounts (>= 0); correct the values, or pass "
            "transform='none'",
        )
    return np.log1p(raw)


def _missing_error(raw: pd.DataFrame, n_total: int) -> DataFormatError:
    missing = raw.isna()
    parts = []
    for factor in raw.columns[missing.any().to_numpy()]:
        codes = list(raw.index[missing[factor].to_numpy()])
        parts.append(f"{factor} for {len(codes)} of {n_total} countries ({', '.join(codes)})")
    countries = int(missing.any(axis=1).sum())
    return DataFormatError(
        f"{countries} countries lack values of factors the model uses: " + "; ".join(parts),
        where="factor table",
        fix="choose a missing-value policy: impute='median' (filled cells are flagged and "
        "reported), drop_incomplete_factors=True (leave those factors out), or factors=[...] "
        "(complete factors only); GFP does not document that a missing value means zero",
    )


def _design(
    factors_long: pd.DataFrame,
    *,
    transform: str,
    impute: str | None,
    drop_incomplete_factors: bool,
    factors: Sequence[str] | None,
    codes: Sequence[str] | None,
) -> tuple[pd.DataFrame, pd.DataFrame, DesignReport]:
    """(transformed matrix with NaN, transformed matrix imputed, report)."""
    _check_choice("transform", transform, TRANSFORMS)
    _check_choice("impute", impute, (None, *IMPUTE_METHODS))
    if impute is not None and drop_incomplete_factors:
        raise SpecError(
            "impute and drop_incomplete_factors=True both given",
            where="arguments impute, drop_incomplete_factors",
            fix="choose one missing-value policy",
        )
    wide, units = _wide_factors(factors_long)
    if codes is not None:
        wanted = [str(c) for c in codes]
        absent = [c for c in wanted if c not in wide.index]
        if absent:
            raise DataFormatError(
                f"{len(absent)} countries of the index have no factor values: " + ", ".join(absent),
                where="factor table column 'code'",
                fix="give factor values for every ranked country, or drop those countries "
                "from the index",
            )
        wide = wide.loc[wanted]
    if factors is not None:
        chosen = [str(f) for f in factors]
        unknown = [f for f in chosen if f not in wide.columns]
        if unknown:
            raise SpecError(
                f"unknown factor(s) {', '.join(map(repr, unknown))}",
                where="argument factors",
                fix="choose among " + ", ".join(map(str, wide.columns)),
            )
        if not chosen:
            raise SpecError("no factors chosen", where="argument factors", fix="name factors")
    else:
        chosen = list(wide.columns)
    used = wide[chosen]
    dropped: tuple[str, ...] = ()
    if drop_incomplete_factors:
        incomplete = used.columns[used.isna().any().to_numpy()]
        dropped = tuple(str(f) for f in incomplete)
        used = used.drop(columns=list(incomplete))
        if used.shape[1] == 0:
            raise DataFormatError(
                "every factor has a missing value; none left after drop_incomplete_factors",
                where="factor table",
                fix="pass impute='median' instead",
            )
    elif impute is None and used.isna().to_numpy().any():
        raise _missing_error(used, len(used))
    empty = [str(f) for f in used.columns if used[f].isna().all()]
    if empty:
        raise DataFormatError(
            f"factor(s) with no value for any country: {', '.join(empty)}",
            where="factor table",
            fix="leave those factors out (factors=[...])",
        )
    transformed = _transform(used, transform)
    mask = transformed.isna()
    filled = transformed
    cells = pd.DataFrame(
        {
            "code": pd.Series(dtype=str),
            "factor": pd.Series(dtype=str),
            "fill": pd.Series(dtype=float),
            "fill_raw": pd.Series(dtype=float),
        }
    )
    if mask.to_numpy().any():
        fill = transformed.median()
        filled = transformed.fillna(fill)
        rows = [(str(code), str(factor), float(fill[factor])) for code, factor in _true_cells(mask)]
        cells = pd.DataFrame(rows, columns=["code", "factor", "fill"])
        back = np.expm1 if transform == "log1p" else (lambda v: v)
        cells["fill_raw"] = back(cells["fill"].to_numpy())
    report = DesignReport(
        transform=transform,
        impute=impute,
        factors=tuple(str(f) for f in used.columns),
        dropped_factors=dropped,
        raw=wide.copy(),
        imputed=mask,
        imputed_cells=cells,
        units={f: units.get(f, "") for f in map(str, used.columns)},
    )
    return transformed, filled, report


def _true_cells(mask: pd.DataFrame) -> Iterator[tuple[object, object]]:
    """(row label, column label) of every True cell, factor by factor."""
    for factor in mask.columns:
        for code in mask.index[mask[factor].to_numpy()]:
            yield code, factor


def design(
    factors_long: pd.DataFrame,
    *,
    transform: str = "log1p",
    impute: str | None = None,
    drop_incomplete_factors: bool = False,
    factors: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, DesignReport]:
    """The wide factor matrix the model uses, and a report of what was done to it.

    Parameters
    ----------
    factors_long:
        Long table with columns ``code``, ``factor``, ``value`` (and optionally ``unit``), one
        row per country and factor, as the ``gfp_factors`` table. A country/factor pair without a
        row counts as missing.
    transform:
        ``"log1p"`` (default): ``log(1 + value)`` of the source units (people, counts, US dollars,
        km, km2, barrels, m3, tonnes); values must be >= 0. ``"none"``: the source units.
    impute:
        ``None`` (default): a missing value raises. ``"median"``: filled with the factor's median
        over the countries that have it (transformed scale); filled cells are flagged in the
        report.
    drop_incomplete_factors:
        Leave out every factor with a missing value (listed in the report) instead of raising.
    factors:
        The factors to use (default: all, in table order).
    codes:
        The countries to use, in this order (default: all in the table, sorted by code). A code
        absent from the table raises :class:`DataFormatError` naming it.

    Returns
    -------
    (DataFrame, DesignReport)
        Countries (index ``code``) x factors, transformed and (when asked) imputed; the report.

    Raises
    ------
    DataFormatError
        Missing columns, non-numeric or infinite values, duplicate pairs, negative values under
        ``log1p``, countries without factor values, missing values with no policy chosen.
    SpecError
        Unknown ``transform``/``impute``/factor names, or conflicting policies.
    """
    _, filled, report = _design(
        factors_long,
        transform=transform,
        impute=impute,
        drop_incomplete_factors=drop_incomplete_factors,
        factors=factors,
        codes=codes,
    )
    return filled, report


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------


def _threads_limited() -> AbstractContextManager[Any]:
    """Limit BLAS threads to one: on 145 x 54 matrices threading only adds overhead."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return nullcontext()
    return threadpool_limits(limits=1)


def _pipeline(model: str, seed: int) -> Pipeline:
    estimator: Any
    if model == "ridge":
        estimator = RidgeCV(alphas=RIDGE_ALPHAS)
    elif model == "lasso":
        estimator = LassoCV(
            alphas=LASSO_ALPHAS,
            cv=KFold(LASSO_INNER_FOLDS, shuffle=True, random_state=seed),
            max_iter=100_000,
        )
    else:
        estimator = LinearRegression(positive=True)
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("model", estimator),
        ]
    )


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 = lowest value (strongest); ties share the lower rank, as GFP's."""
    return pd.Series(values).rank(method="min").to_numpy()


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra = pd.Series(a).rank().to_numpy()
    rb = pd.Series(b).rank().to_numpy()
    return float(np.corrcoef(ra, rb)[0, 1])


def _scores(predicted: np.ndarray, y: np.ndarray, gfp_rank: np.ndarray) -> dict[str, float]:
    rank = _ranks(predicted)
    error = np.abs(rank - gfp_rank)
    return {
        "spearman": _spearman(predicted, y),
        "rank_mae": float(error.mean()),
        "r2": float(1 - np.sum((predicted - y) ** 2) / np.sum((y - y.mean()) ** 2)),
        "within5": float(np.mean(error <= _WITHIN)),
    }


@dataclass(frozen=True, eq=False)
class GFPModel:
    """A fitted, cross-validated linear model of GFP's log PowerIndex.

    Attributes
    ----------
    model:
        ``"ridge"``, ``"lasso"`` or ``"nnls"``.
    coefficients:
        One row per factor, sorted by absolute size ("which factors carry the weight"):
        ``factor``, ``coef`` (change in log PowerIndex per standard deviation of the transformed
        factor; negative = more of it goes with a lower, i.e. stronger, index),
        ``index_ratio_per_sd`` (``exp(coef)``: the PowerIndex multiplier per SD), ``direction``
        (``"stronger"``, ``"weaker"`` or ``"zero"``), ``unit``.
    intercept:
        Predicted log PowerIndex of the average country (all standardised factors 0), which for
        these models equals the mean log PowerIndex.
    metrics:
        In-sample and out-of-fold metrics (see the module docstring) plus ``alpha`` (chosen
        penalty; NaN for nnls), ``n_nonzero``, ``n_countries``, ``n_factors``, ``n_imputed``.
    oof_by_repeat:
        The out-of-fold metrics of each repeat.
    predictions:
        Per country (index ``code``): ``gfp_rank``, ``pwr_index``, ``log_index``,
        ``fitted_log_index`` and ``fitted_rank`` (in-sample), ``oof_log_index`` (mean of the
        out-of-fold predictions over repeats), ``oof_rank`` (rank of that mean),
        ``oof_rank_min``/``oof_rank_max`` (range of the per-repeat ranks), ``oof_rank_error``
        (``oof_rank - gfp_rank``; negative = the model ranks it stronger than GFP does).
    features:
        Countries x factors as fitted (transformed, imputed).
    standardised:
        ``features`` standardised over all countries (what the coefficients multiply).
    design:
        The :class:`DesignReport` (imputed cells, dropped factors, raw values, units).
    settings:
        ``folds``, ``repeats``, ``seed``, ``transform``, ``impute``, ``drop_incomplete_factors``.
    estimator:
        The scikit-learn pipeline fitted to all countries (imputer, scaler, model; for nnls it
        predicts ``-log PowerIndex``).
    """

    model: str
    coefficients: pd.DataFrame
    intercept: float
    metrics: pd.Series
    oof_by_repeat: pd.DataFrame
    predictions: pd.DataFrame
    features: pd.DataFrame
    standardised: pd.DataFrame
    design: DesignReport
    settings: dict[str, Any]
    estimator: Pipeline = field(repr=False)

    def explain(self, code: str) -> pd.DataFrame:
        """Which factors put one country where it is.

        Each factor's contribution to the country's fitted log PowerIndex *relative to the
        average country*: ``coef x standardised value``. The contributions plus
        :attr:`intercept` sum to ``fitted_log_index`` (in-sample prediction); negative
        contributions lower (strengthen) the index.

        Returns
        -------
        DataFrame
            One row per factor, largest absolute contribution first: ``factor``,
            ``contribution``, ``coef``, ``z`` (standardised value), ``value`` (raw, source unit;
            NaN if missing), ``unit``, ``rank`` (1 = largest value among the countries fitted,
            ties share the lower rank; missing if the value is), ``n`` (countries fitted),
            ``imputed``. ``attrs`` holds ``code``, ``intercept``, ``fitted_log_index``,
            ``fitted_pwr_index``, ``fitted_rank``, ``oof_rank``, ``gfp_rank`` and ``pwr_index``.

        Raises
        ------
        UnknownEntityError
            ``code`` is not among the countries fitted.
        """
        code = str(code).strip()
        if code not in self.standardised.index:
            codes = [str(c) for c in self.standardised.index]
            close = difflib.get_close_matches(code.upper(), codes, n=3, cutoff=0.3)
            raise UnknownEntityError(
                {code: close},
                where="GFPModel.explain",
                fix="pass a powerscope country code of a ranked country, e.g. 'KOR'",
            )
        coef = self.coefficients.set_index("factor")["coef"]
        factors = list(self.standardised.columns)
        z = self.standardised.loc[code, factors]
        raw = self.design.raw[factors]
        value_rank = raw.rank(ascending=False, method="min")
        out = pd.DataFrame(
            {
                "factor": factors,
                "contribution": (coef[factors] * z).to_numpy(),
                "coef": coef[factors].to_numpy(),
                "z": z.to_numpy(),
                "value": raw.loc[code].to_numpy(),
                "unit": [self.design.units.get(f, "") for f in factors],
                "rank": value_rank.loc[code].astype("Int64").to_numpy(),
                "n": len(raw),
                "imputed": self.design.imputed.loc[code, factors].to_numpy(dtype=bool),
            }
        )
        order = np.argsort(-np.abs(out["contribution"].to_numpy()), kind="stable")
        out = out.iloc[order].reset_index(drop=True)
        row = self.predictions.loc[code]
        out.attrs = {
            "code": code,
            "intercept": self.intercept,
            "fitted_log_index": float(row["fitted_log_index"]),
            "fitted_pwr_index": float(np.exp(row["fitted_log_index"])),
            "fitted_rank": int(row["fitted_rank"]),
            "oof_rank": int(row["oof_rank"]),
            "gfp_rank": int(row["gfp_rank"]),
            "pwr_index": float(row["pwr_index"]),
        }
        return out


def _validate_index(index: pd.DataFrame) -> pd.DataFrame:
    frame = _require_columns(index, _INDEX_COLUMNS, "index table")
    codes = frame["code"].astype(str).str.strip()
    pwr = _numeric(frame["pwr_index"], "index table column 'pwr_index'", codes)
    bad = ~(pwr > 0)
    if bad.any():
        shown = ", ".join(f"{c}={v!r}" for c, v in zip(codes[bad], pwr[bad], strict=True))
        raise DataFormatError(
            f"PowerIndex must be a positive number (its log is modelled): {shown}",
            where="index table column 'pwr_index'",
            fix="give every ranked country its published PowerIndex, e.g. 0.1642",
        )
    duplicated = codes[codes.duplicated()]
    if len(duplicated):
        raise DataFormatError(
            f"countries appear more than once: {', '.join(sorted(set(duplicated)))}",
            where="index table column 'code'",
            fix="list each country once",
        )
    if "rank" in frame.columns:
        rank = _numeric(frame["rank"], "index table column 'rank'", codes)
    else:
        rank = _ranks(pwr)
    out = pd.DataFrame({"gfp_rank": rank, "pwr_index": pwr}, index=pd.Index(codes, name="code"))
    return out.sort_values(["gfp_rank", "pwr_index"], kind="stable")


def fit_gfp(
    index: pd.DataFrame,
    factors_long: pd.DataFrame,
    *,
    model: str = "ridge",
    folds: int = 10,
    repeats: int = 5,
    seed: int = 0,
    impute: str | None = None,
    drop_incomplete_factors: bool = False,
    factors: Sequence[str] | None = None,
    transform: str = "log1p",
) -> GFPModel:
    """Fit a transparent linear model of GFP's log PowerIndex and cross-validate it.

    Parameters
    ----------
    index:
        ``code``, ``pwr_index`` (> 0, lower is stronger) and optionally ``rank`` (GFP's rank;
        computed from ``pwr_index`` when absent), as the ``gfp_index`` table.
    factors_long:
        The factor table, as for :func:`design`. Countries not in ``index`` are ignored; a
        country of ``index`` absent from it raises :class:`DataFormatError` naming it.
    model:
        ``"ridge"`` (default), ``"lasso"`` or ``"nnls"``; see the module docstring.
    folds, repeats:
        Repeated K-fold cross-validation: ``repeats`` random partitions into ``folds`` folds.
    seed:
        Seeds the partitions (and the lasso's inner folds): equal seeds give equal results.
    impute, drop_incomplete_factors, factors, transform:
        As for :func:`design`; by default a missing value raises.

    Returns
    -------
    GFPModel
        Coefficients, metrics, per-country predictions and :meth:`GFPModel.explain`.

    Raises
    ------
    SpecError
        Unknown ``model``/``transform``/``impute``, bad ``folds``/``repeats``.
    DataFormatError
        Malformed tables, countries without factor values, missing values with no policy.

    Notes
    -----
    This explains GFP's published ranking statistically; it is not GFP's (unpublished) formula.
    """
    _check_choice("model", model, MODELS)
    target = _validate_index(index)
    n = len(target)
    if not isinstance(folds, int | np.integer) or not 2 <= folds <= n:
        raise SpecError(
            f"folds={folds!r} is not an integer between 2 and the {n} countries",
            where="argument folds",
            fix="use e.g. folds=10",
        )
    if not isinstance(repeats, int | np.integer) or repeats < 1:
        raise SpecError(
            f"repeats={repeats!r} is not a positive integer",
            where="argument repeats",
            fix="use e.g. repeats=5",
        )
    with_nan, filled, report = _design(
        factors_long,
        transform=transform,
        impute=impute,
        drop_incomplete_factors=drop_incomplete_factors,
        factors=factors,
        codes=list(target.index),
    )
    x = with_nan.to_numpy(dtype=float)
    y = np.log(target["pwr_index"].to_numpy())
    gfp_rank = target["gfp_rank"].to_numpy(dtype=float)
    # nnls is fitted to -log index so that "positive" means "more of it, stronger"
    sign = -1.0 if model == "nnls" else 1.0

    oof = np.full((repeats, n), np.nan)
    splitter = RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    with _threads_limited():
        for k, (train, test) in enumerate(splitter.split(x)):
            fold_model = clone(_pipeline(model, seed)).fit(x[train], sign * y[train])
            oof[k // folds, test] = sign * fold_model.predict(x[test])
        estimator = _pipeline(model, seed).fit(x, sign * y)
    fitted = sign * estimator.predict(x)

    per_repeat = pd.DataFrame(
        [_scores(oof[r], y, gfp_rank) for r in range(repeats)],
        index=pd.RangeIndex(1, repeats + 1, name="repeat"),
    )
    in_sample = _scores(fitted, y, gfp_rank)
    final = estimator.named_steps["model"]
    coef = sign * np.asarray(final.coef_, dtype=float) + 0.0  # + 0.0: no -0.0 in the table
    intercept = float(sign * final.intercept_)
    alpha = float(getattr(final, "alpha_", np.nan))
    sd = per_repeat.std(ddof=1) if repeats > 1 else per_repeat.iloc[0] * np.nan
    metrics = pd.Series(
        {
            "spearman_in_sample": in_sample["spearman"],
            "spearman_oof": per_repeat["spearman"].mean(),
            "spearman_oof_sd": sd["spearman"],
            "rank_mae_in_sample": in_sample["rank_mae"],
            "rank_mae_oof": per_repeat["rank_mae"].mean(),
            "rank_mae_oof_sd": sd["rank_mae"],
            "r2_in_sample": in_sample["r2"],
            "r2_oof": per_repeat["r2"].mean(),
            "within5_in_sample": in_sample["within5"],
            "within5_oof": per_repeat["within5"].mean(),
            "alpha": alpha,
            "n_nonzero": float(np.count_nonzero(coef)),
            "n_countries": float(n),
            "n_factors": float(len(coef)),
            "n_imputed": float(report.n_imputed),
        },
        name=model,
    )

    names = list(report.factors)
    order = np.argsort(-np.abs(coef), kind="stable")
    coefficients = pd.DataFrame(
        {
            "factor": [names[i] for i in order],
            "coef": coef[order],
            "index_ratio_per_sd": np.exp(coef[order]),
            "direction": np.where(
                coef[order] < 0, "stronger", np.where(coef[order] > 0, "weaker", "zero")
            ),
            "unit": [report.units.get(names[i], "") for i in order],
        }
    )

    scaler = estimator.named_steps["scale"]
    standardised = pd.DataFrame(
        scaler.transform(estimator.named_steps["impute"].transform(x)),
        index=filled.index,
        columns=filled.columns,
    )
    repeat_ranks = np.vstack([_ranks(oof[r]) for r in range(repeats)])
    oof_mean = oof.mean(axis=0)
    predictions = pd.DataFrame(
        {
            "gfp_rank": target["gfp_rank"].to_numpy(),
            "pwr_index": target["pwr_index"].to_numpy(),
            "log_index": y,
            "fitted_log_index": fitted,
            "fitted_rank": _ranks(fitted).astype(int),
            "oof_log_index": oof_mean,
            "oof_rank": _ranks(oof_mean).astype(int),
            "oof_rank_min": repeat_ranks.min(axis=0).astype(int),
            "oof_rank_max": repeat_ranks.max(axis=0).astype(int),
        },
        index=target.index,
    )
    predictions["gfp_rank"] = predictions["gfp_rank"].astype(int)
    predictions["oof_rank_error"] = predictions["oof_rank"] - predictions["gfp_rank"]

    return GFPModel(
        model=model,
        coefficients=coefficients,
        intercept=intercept,
        metrics=metrics,
        oof_by_repeat=per_repeat,
        predictions=predictions,
        features=filled,
        standardised=standardised,
        design=report,
        settings={
            "folds": int(folds),
            "repeats": int(repeats),
            "seed": int(seed),
            "transform": transform,
            "impute": impute,
            "drop_incomplete_factors": bool(drop_incomplete_factors),
        },
        estimator=estimator,
    )


def compare_models(
    index: pd.DataFrame,
    factors_long: pd.DataFrame,
    *,
    models: Sequence[str] = MODELS,
    folds: int = 10,
    repeats: int = 5,
    seed: int = 0,
    impute: str | None = None,
    drop_incomplete_factors: bool = False,
    factors: Sequence[str] | None = None,
    transform: str = "log1p",
) -> pd.DataFrame:
    """Fit several models on the same folds and return their metrics side by side.

    Every model sees the same features and the same cross-validation partitions (same ``seed``),
    so the differences are the models'. Arguments as for :func:`fit_gfp`.

    Returns
    -------
    DataFrame
        One row per model (index ``model``), one column per metric of :attr:`GFPModel.metrics`.
    """
    if isinstance(models, str) or not models:
        raise SpecError(
            f"models={models!r} is not a non-empty list of model names",
            where="argument models",
            fix="use e.g. models=('ridge', 'lasso', 'nnls')",
        )
    for name in models:
        _check_choice("model", name, MODELS)
    rows = [
        fit_gfp(
            index,
            factors_long,
            model=name,
            folds=folds,
            repeats=repeats,
            seed=seed,
            impute=impute,
            drop_incomplete_factors=drop_incomplete_factors,
            factors=factors,
            transform=transform,
        ).metrics
        for name in models
    ]
    table = pd.DataFrame(rows)
    table.index.name = "model"
    return table
