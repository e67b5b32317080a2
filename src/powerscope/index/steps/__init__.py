"""Construction steps of a composite index, as plain functions over numpy arrays.

Each step follows the OECD/JRC *Handbook on Constructing Composite Indicators* (OECD, 2008) with
COINr's semantics (Becker et al., 2022) as the reference: denomination, unit screening,
imputation, outlier treatment, normalisation and weighting. Data are float arrays
``(units, indicators)`` with NaN for missing values; no function modifies its input.
"""

from powerscope.index.steps.denominate import DenominationReport, denominate
from powerscope.index.steps.impute import (
    EMResult,
    em_fit,
    impute,
    impute_em,
    impute_group_mean,
    impute_group_median,
    impute_mean,
    impute_median,
    impute_panel,
)
from powerscope.index.steps.normalise import (
    borda,
    canonical_method,
    dist_to_max,
    dist_to_ref,
    dist_to_target,
    fraction_of_max,
    goalposts,
    minmax,
    normalise,
    percentile_rank,
    rank,
    scaled,
    zscore,
)
from powerscope.index.steps.screen import ScreenReport, screen_units
from powerscope.index.steps.treat import (
    TreatReport,
    check_skew_kurt,
    kurtosis,
    log_ct,
    log_ct_orig,
    skewness,
    treat,
)
from powerscope.index.steps.weights import (
    PCAResult,
    effective_weights,
    effective_weights_array,
    equal_weights,
    normalise_weights,
    pca,
    pca_weights,
)

__all__ = [
    "DenominationReport",
    "EMResult",
    "PCAResult",
    "ScreenReport",
    "TreatReport",
    "borda",
    "canonical_method",
    "check_skew_kurt",
    "denominate",
    "dist_to_max",
    "dist_to_ref",
    "dist_to_target",
    "effective_weights",
    "effective_weights_array",
    "em_fit",
    "equal_weights",
    "fraction_of_max",
    "goalposts",
    "impute",
    "impute_em",
    "impute_group_mean",
    "impute_group_median",
    "impute_mean",
    "impute_median",
    "impute_panel",
    "kurtosis",
    "log_ct",
    "log_ct_orig",
    "minmax",
    "normalise",
    "normalise_weights",
    "pca",
    "pca_weights",
    "percentile_rank",
    "rank",
    "scaled",
    "screen_units",
    "skewness",
    "treat",
    "zscore",
]
