"""Variance attribution (section 16): which uncertain inputs drive each headline score.

Over the run's own Monte Carlo samples (no extra sampling), each sampled input is
ranked against each headline score; the squared Spearman rank correlation
``rho^2`` is the share of the score's variance that input explains on its own
(for a monotone, additive response the shares of independent inputs add up to
about 1). The top eight inputs per score are named in words.

``simulate_with_attribution`` is the hook for stored runs: it runs exactly what
``simulate`` runs and reads the per-sample inputs and scores the Monte Carlo run kept
(``core.MonteCarloSamples``), so no sample is drawn twice. ``simulate_then_attribute``
returns the scores first and the attribution on demand, over the same samples.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .core import Evaluation, MonteCarloSamples
from .model import CONDITION_ATTRIBUTES, PARTY_ATTRIBUTES, TYPE_ATTRIBUTES, Model, compile_snapshot
from .montecarlo import check_run, simulate_model
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import JSON, ScoreResult, plain
from .sampling import Draws, UniformSource
from .sensitivity import HEADLINE_SCORES
from .types import ITEM_ATTRIBUTES, Snapshot

FloatArray = NDArray[np.float64]
TOP = 8

ITEM_WORDS = {
    "p": "power shift",
    "t": "tangibility",
    "r": "revocability",
    "d": "dual use",
    "q": "deterrence impact",
    "c": "cost to the provider",
    "v": "value to a recipient",
    "a": "AI salience",
}
TYPE_WORDS = {"effectiveness": "effectiveness", "erosion": "erosion", "cost": "cost"}


@dataclass(frozen=True)
class Driver:
    """One uncertain input: ``rho`` the signed rank correlation with the score (positive:
    the score rises with it), ``share`` = ``rho^2``."""

    kind: str
    """``item``, ``party``, ``condition``, ``mechanism``, ``mechanism_type`` or ``scenario``."""
    key: str
    attribute: str
    label: str
    rho: float
    share: float


@dataclass(frozen=True)
class Attribution:
    """Top drivers per headline score; ``explained`` is the sum of every input's share
    (capped at 1), a check on how additive the score is."""

    n_samples: int
    seed: int
    parameter_version: str
    scores: Mapping[str, tuple[Driver, ...]]
    explained: Mapping[str, float | None]

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


@dataclass(frozen=True)
class _Input:
    kind: str
    key: str
    attribute: str
    label: str


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _party_words(name: str, provider: str, attribute: str) -> str:
    who = _possessive(name)
    return {
        "trust": f"{who} trust in {provider}",
        "capability": f"{who} capability",
        "security": f"{who} security",
        "need": f"{who} need for financial benefits",
        "threat": f"{who} external threat",
        "outside_option": f"{who} outside option",
    }[attribute]


def sampled_inputs(model: Model, draws: Draws) -> tuple[list[_Input], FloatArray]:
    """Every sampled input with its name in words, and its samples as columns ``(n, k)``."""
    snap = model.snapshot
    commitments = {c.slug: c.name or c.slug for c in snap.commitments}
    types = {t.slug: t.name or t.slug for t in snap.mechanism_types}
    provider = model.provider.name
    names: list[_Input] = []
    cols: list[FloatArray] = []
    for i, item in enumerate(model.items):
        for a, attr in enumerate(ITEM_ATTRIBUTES):
            names.append(
                _Input("item", item.slug, attr, f"{item.name or item.slug}: {ITEM_WORDS[attr]}")
            )
            cols.append(draws.item[a, :, i])
    for j, party in enumerate((*model.recipients, *model.bystanders)):
        for a, attr in enumerate(PARTY_ATTRIBUTES):
            names.append(_Input("party", party.key, attr, _party_words(party.name, provider, attr)))
            cols.append(draws.party[:, j, a])
    for k, cond in enumerate(model.conditions):
        who = model.party_names.get(cond.recipient, cond.recipient)
        what = commitments.get(cond.commitment, cond.commitment)
        for a, attr in enumerate(CONDITION_ATTRIBUTES):
            names.append(_Input("condition", cond.key, attr, f"{what} asked of {who}: {attr}"))
            cols.append(draws.condition[:, k, a])
    for k, mech in enumerate(model.mechanisms):
        what = types.get(mech.mechanism_type, mech.mechanism_type)
        names.append(_Input("mechanism", mech.key, "strength", f"{what} strength"))
        cols.append(draws.strength[:, k])
    for k, entity in enumerate(model.type_entities):
        slug = entity.identity.split(":", 1)[1]
        for a, attr in enumerate(TYPE_ATTRIBUTES):
            what = types.get(slug, slug)
            names.append(_Input("mechanism_type", slug, attr, f"{what} {TYPE_WORDS[attr]}"))
            cols.append(draws.mtype[:, k, a])
    names.append(_Input("scenario", "dsa", "dsa", "chance of a decisive strategic advantage"))
    cols.append(draws.dsa)
    names.append(_Input("scenario", "omega", "omega", "safety value of restraint (omega)"))
    cols.append(draws.omega)
    matrix = np.stack(cols, axis=1) if cols else np.zeros((draws.n, 0))
    return names, matrix


def average_ranks(x: FloatArray) -> FloatArray:
    """Ranks of each column of ``x (n, k)`` from 0, ties sharing their mean rank."""
    rows = np.ascontiguousarray(x.T)  # sort along contiguous rows: much faster
    n = rows.shape[1]
    order = np.argsort(rows, axis=1)  # ties get their mean rank, whatever their order
    s = np.take_along_axis(rows, order, axis=1)
    idx = np.broadcast_to(np.arange(n, dtype=np.float64), s.shape)
    starts = np.ones(s.shape, dtype=np.bool_)
    starts[:, 1:] = s[:, 1:] != s[:, :-1]
    ends = np.ones(s.shape, dtype=np.bool_)
    ends[:, :-1] = s[:, :-1] != s[:, 1:]
    first = np.maximum.accumulate(np.where(starts, idx, 0.0), axis=1)
    last = np.flip(np.minimum.accumulate(np.flip(np.where(ends, idx, n - 1.0), 1), axis=1), 1)
    ranks = np.empty_like(s)
    np.put_along_axis(ranks, order, (first + last) / 2.0, axis=1)
    return np.asarray(ranks.T, dtype=np.float64)


def _centred(ranks: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Ranks minus their column means, and each column's norm."""
    c = ranks - ranks.mean(axis=0)
    return c, np.sqrt((c * c).sum(axis=0))


def rank_correlations(
    inputs: FloatArray, output: FloatArray, ranked: tuple[FloatArray, FloatArray] | None = None
) -> FloatArray:
    """Spearman correlation of each column of ``inputs (n, k)`` with ``output (n,)``;
    0 for a constant column or output. ``ranked`` reuses ``_centred(average_ranks(inputs))``."""
    ri, ni = ranked if ranked is not None else _centred(average_ranks(inputs))
    ro, no = _centred(average_ranks(output[:, None]))
    den = ni * float(no[0])
    out = np.zeros(inputs.shape[1])
    np.divide(ri.T @ ro[:, 0], den, out=out, where=den > 1e-12)
    return np.clip(out, -1.0, 1.0)


def attribute_variance(
    model: Model, draws: Draws, mc: Evaluation | MonteCarloSamples, *, seed: int, top: int = TOP
) -> Attribution:
    """The ``top`` inputs explaining most of each headline score's variance."""
    names, matrix = sampled_inputs(model, draws)
    varying = np.flatnonzero(matrix.std(axis=0) > 1e-12) if matrix.size else np.zeros(0, int)
    matrix = matrix[:, varying]
    names = [names[int(k)] for k in varying]
    scores: dict[str, tuple[Driver, ...]] = {}
    explained: dict[str, float | None] = {}
    ranked = _centred(average_ranks(matrix)) if matrix.shape[1] else None
    for score in HEADLINE_SCORES:
        y = mc.scores[score]
        ok = np.isfinite(y)
        if ok.sum() < 3 or not matrix.shape[1] or float(np.ptp(y[ok])) <= 1e-12:
            scores[score], explained[score] = (), None
            continue
        rho = rank_correlations(matrix[ok], y[ok], ranked if bool(ok.all()) else None)
        share = rho * rho
        order = np.argsort(-share, kind="stable")[:top]
        scores[score] = tuple(
            Driver(
                names[int(k)].kind,
                names[int(k)].key,
                names[int(k)].attribute,
                names[int(k)].label,
                float(rho[k]),
                float(share[k]),
            )
            for k in order
            if share[k] > 0.0
        )
        explained[score] = float(min(1.0, share.sum()))
    return Attribution(draws.n, seed, model.params.version, scores, explained)


def simulate_with_attribution(
    snapshot: Snapshot,
    *,
    n_samples: int | None = None,
    seed: int,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> tuple[ScoreResult, Attribution]:
    """``simulate`` plus the variance attribution over the same samples."""
    result, attribute = simulate_then_attribute(
        snapshot, n_samples=n_samples, seed=seed, params=params
    )
    return result, attribute()


def simulate_then_attribute(
    snapshot: Snapshot,
    *,
    n_samples: int | None = None,
    seed: int,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> tuple[ScoreResult, Callable[[], Attribution]]:
    """``simulate_with_attribution`` in two steps: the result now, and a function that
    computes the attribution over the same samples when called (it keeps them until
    then). A worker stores and announces the scores first and attributes after."""
    n = check_run(snapshot, n_samples, seed, params)
    model = compile_snapshot(snapshot, params)
    source = UniformSource(seed, n)
    result, _, mc = simulate_model(model, source)
    return result, functools.partial(attribute_variance, model, mc.draws, mc, seed=seed)
