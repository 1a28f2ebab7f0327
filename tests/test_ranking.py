"""The documented ranking: fused relevance, blended with supplier trust."""

from __future__ import annotations

import pytest

from sesame.search.ranking import best_per_key, blend, ranked, rrf_fuse, trust_score


def test_trust_rewards_verification_rating_and_reviews() -> None:
    assert trust_score(verified=False, rating=0, review_count=0) == 0
    assert trust_score(verified=True, rating=5, review_count=999) == pytest.approx(1.0)
    base = trust_score(verified=False, rating=4, review_count=10)
    assert trust_score(verified=True, rating=4, review_count=10) == pytest.approx(base + 0.5)
    assert trust_score(verified=False, rating=4.5, review_count=10) > base
    assert trust_score(verified=False, rating=4, review_count=100) > base
    # Out-of-range inputs are clamped, never amplified.
    assert trust_score(verified=True, rating=50, review_count=10**9) == pytest.approx(1.0)


def test_trust_orders_equally_relevant_matches() -> None:
    trusted = blend(0.8, trust_score(verified=True, rating=4.9, review_count=500), 0.05)
    unknown = blend(0.8, trust_score(verified=False, rating=3.0, review_count=2), 0.05)
    assert trusted > unknown


def test_trust_never_lifts_a_weak_match_past_a_clearly_better_one() -> None:
    # The most trusted supplier against the least: a relevance gap over the weight wins.
    best_trust = blend(0.90, 1.0, 0.05)
    no_trust = blend(0.95, 0.0, 0.05)
    assert no_trust > best_trust


def test_rrf_rewards_agreement_between_lists() -> None:
    scores = rrf_fuse([[1, 2, 3], [2, 1], [2]], k=60)
    assert ranked(scores)[0] == 2
    assert scores[2] == pytest.approx((1 / 62 + 1 / 61 + 1 / 61) / (3 / 61))
    assert max(scores.values()) <= 1.0
    assert rrf_fuse([[7], [7]], k=60)[7] == pytest.approx(1.0)
    assert rrf_fuse([], k=60) == {}


def test_best_per_key_keeps_a_products_best_image() -> None:
    assert best_per_key([(1, 0.2), (1, 0.9), (2, 0.5), (1, 0.4)]) == {1: 0.9, 2: 0.5}
    assert ranked({3: 0.5, 1: 0.5, 2: 0.9}) == [2, 1, 3]
