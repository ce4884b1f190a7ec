"""Scoring shared by the rule evaluations (python-rules-eval.py, js-rust-rules-eval.py):
precision, recall and F1 from case counts, and the markdown table they print."""

HEADER = [
    "| concern | tool | TP | FN | FP | precision | recall | F1 |",
    "|---|---|---|---|---|---|---|---|",
]


def prf(tp, fn, fp):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def row(concern, tool, tp, fn, fp):
    """One table row: the counts and the three scores they give."""
    p, r, f1 = prf(tp, fn, fp)
    return f"| {concern} | {tool} | {tp} | {fn} | {fp} | {p:.2f} | {r:.2f} | {f1:.2f} |"
