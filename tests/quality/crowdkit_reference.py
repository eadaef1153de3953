"""Regenerate crowdkit_dawid_skene.json: crowd-kit's DawidSkene on the answers below.

crowd-kit is not a dependency (it brings pandas, scikit-learn and transformers, ~750 MB); run
this once in a throwaway environment: `pip install crowd-kit==1.4.2 && python crowdkit_reference.py`.
The test reads the JSON and checks Taskbot's own EM loop against it.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

LABELS = ["calm", "tense", "warm"]
ACCURACY = {"w1": 0.9, "w2": 0.8, "w3": 0.65, "w4": 0.5, "w5": 0.35}
GOLD = {0: "tense", 5: "calm", 9: "warm"}


def answers() -> list[tuple[int, str, str]]:
    """40 tasks, each answered by three of five writers of very different accuracy."""
    rng = random.Random(2026)
    rows = []
    for task in range(40):
        truth = LABELS[task % 3]
        for writer in rng.sample(sorted(ACCURACY), 3):
            if rng.random() < ACCURACY[writer]:
                label = truth
            else:
                label = rng.choice([x for x in LABELS if x != truth])
            rows.append((task, writer, label))
    return rows


if __name__ == "__main__":
    import pandas as pd
    from crowdkit.aggregation import DawidSkene

    data = pd.DataFrame(answers(), columns=["task", "worker", "label"])
    plain = DawidSkene(n_iter=100, tol=1e-5).fit(data)
    golden = DawidSkene(n_iter=100, tol=1e-5).fit(data, true_labels=pd.Series(GOLD))

    def dump(model):  # type: ignore[no-untyped-def]
        probas = model.probas_.sort_index()
        return {
            "labels": [str(c) for c in probas.columns],
            "posteriors": {str(t): [float(v) for v in row] for t, row in probas.iterrows()},
            "iterations": len(model.loss_history_),
        }

    out = {"plain": dump(plain), "with_gold": dump(golden)}
    Path(__file__).with_name("crowdkit_dawid_skene.json").write_text(
        json.dumps(out, indent=1) + "\n"
    )
