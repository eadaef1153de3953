"""A PNG chart of each writer's gold accuracy against their agreement with the other writers."""

from __future__ import annotations

import io

from taskbank.quality import WriterQuality


def writer_chart(
    writers: list[WriterQuality], title: str, names: dict[str, str] | None = None
) -> bytes:
    """Scatter of agreement (x) and gold accuracy (y), one dot per writer sized by their gold
    count; writers without gold sit on the floor line, hollow. PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axis = pyplot.subplots(figsize=(6.5, 4.5))
    try:
        for writer in writers:
            if writer.agreement is None and writer.gold_accuracy is None:
                continue
            x = writer.agreement if writer.agreement is not None else 0.0
            has_gold = writer.gold_accuracy is not None
            y = writer.gold_accuracy if has_gold else -0.05
            size = 20 + 8 * min(writer.gold_answers, 50)
            axis.scatter(
                [x], [y], s=size, alpha=0.75,
                color="#2f5d8a" if has_gold else "none", edgecolors="#2f5d8a",
            )  # fmt: skip
            label = (names or {}).get(writer.writer_id, writer.writer_id)
            axis.annotate(label, (x, y), textcoords="offset points", xytext=(5, 4), fontsize=7)
        axis.set_xlim(-0.02, 1.02)
        axis.set_ylim(-0.1, 1.05)
        axis.axhline(0, color="#cccccc", linewidth=0.6)
        axis.set_xlabel("agreement with other writers on shared tasks")
        axis.set_ylabel("gold accuracy")
        axis.set_title(title)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=90)
        return out.getvalue()
    finally:
        pyplot.close(figure)
