"""The local hashed embedding and the features it reads: what makes two incidents alike."""
from __future__ import annotations

import numpy as np

from tools.memory.embed import HashedEmbedder, text_features
from tools.memory.signature import features
from tests.memory.helpers import PENDING_FACTS, ROLLOUT_FACTS, finding, pending_state, rollout_state


def _sim(a: dict[str, float], b: dict[str, float]) -> float:
    vectors = HashedEmbedder().embed([a, b])
    return float(vectors[0] @ vectors[1])


def _feats(state: dict) -> dict[str, float]:  # type: ignore[type-arg]
    return features(state["trigger"], state["findings"])


def test_hashed_vectors_are_unit_length_and_the_same_in_every_process() -> None:
    a = HashedEmbedder().embed([_feats(rollout_state("a"))])
    b = HashedEmbedder().embed([_feats(rollout_state("a"))])
    assert np.allclose(a, b)
    assert abs(float(np.linalg.norm(a[0])) - 1.0) < 1e-5


def test_features_keep_change_fields_exit_codes_and_reasons_but_not_names_or_versions() -> None:
    feats = _feats(rollout_state("a", "checkout-api"))
    assert "changed:containers[].image" in feats and "exit:1" in feats and "reason:CrashLoopBackOff" in feats
    assert "cat:bad_rollout" in feats and "an:pods.crashloop" in feats
    assert not any("checkout" in k or "2.3.9" in k or "registry" in k and "." in k for k in feats)


def test_the_same_fault_on_another_service_is_near_and_another_fault_is_far() -> None:
    rollout = _feats(rollout_state("a", "checkout-api", ns="prod"))
    variant = _feats(rollout_state("b", "billing-worker", ns="payments", text="billing-worker crashes after deploy"))
    other = _feats(pending_state("c"))
    assert _sim(rollout, variant) >= 0.75
    assert _sim(rollout, other) < 0.3


def test_weak_findings_are_not_features_so_quiet_incidents_do_not_all_look_alike() -> None:
    weak_a = features({"text": "payouts slow overnight"}, [finding("bad_rollout", "rollout.recent", "payouts",
                                                                     ROLLOUT_FACTS[1:2], score=0.2)])
    weak_b = features({"text": "document queue growing all morning"},
                      [finding("bad_rollout", "rollout.recent", "docs", ROLLOUT_FACTS[1:2], score=0.2)])
    assert not any(k.startswith("cat:") for k in weak_a)
    assert _sim(weak_a, weak_b) < 0.3


def test_a_secret_in_a_fact_never_becomes_a_feature() -> None:
    leaked = finding("config_error", "pods.crashloop", "api", PENDING_FACTS +
                     ["DB_PASSWORD=Sup3rSecretPassw0rdValue "
                      "token=xoxb-20029772769-3109802740859-qeeHqPkCJVuoYqLRqrxZKiG"])
    keys = " ".join(features({"text": "api down"}, [leaked])).lower()
    assert "qeehqpkcjvuoyqlrqrxzkig" not in keys and "sup3r" not in keys


def test_typed_words_find_incidents_that_share_them() -> None:
    query = text_features("pool timeout crash after rollout")
    assert _sim(query, _feats(rollout_state("a"))) > _sim(query, _feats(pending_state("b")))
