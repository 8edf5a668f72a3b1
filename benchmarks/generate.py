"""Write N synthetic-but-realistic native synthgate manifests for benchmarking.

    python benchmarks/generate.py DIRECTORY COUNT [--seed 0]

Deterministic: manifest ``i`` depends only on ``(seed, i)``, never on the clock, so the first
1,000 files of a 10,000-file set are the 1,000-file set. Only the standard library is used
and the YAML text is written by hand, so 10,000 files take a few seconds. Files are named
``m00000.synthgate.yaml``, ``m00001.synthgate.yaml`` ... and are about 3 KB on average,
with 1-3 splits of 2-20 sources each and a mix of human, synthetic, mixed and (rarely)
undeclared sources, so that every rule of the default policy has work to do.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

__all__ = ["file_name", "generate", "manifest_text"]

# (name, family, provider)
GENERATORS: tuple[tuple[str, str, str], ...] = (
    ("gpt-4o-2024-08-06", "gpt-4", "openai"),
    ("gpt-4o-mini-2024-07-18", "gpt-4", "openai"),
    ("llama-3.1-70b-instruct", "llama-3", "meta"),
    ("llama-3.1-405b-instruct", "llama-3", "meta"),
    ("claude-3-5-sonnet-20241022", "claude-3", "anthropic"),
    ("qwen2.5-72b-instruct", "qwen-2.5", "alibaba"),
    ("qwen2.5-coder-32b-instruct", "qwen-2.5", "alibaba"),
    ("mixtral-8x22b-instruct", "mixtral", "mistral"),
    ("gemma-2-27b-it", "gemma-2", "google"),
    ("nllb-200-3.3b", "nllb", "meta"),
)
TARGETS: tuple[tuple[str, str, str], ...] = (
    ("llama-3.1-8b-instruct", "llama-3", "meta"),
    ("mistral-7b-v0.3-sft", "mistral", "internal"),
    ("qwen2.5-7b-instruct", "qwen-2.5", "alibaba"),
    ("helix-13b-chat-v4", "helix", "internal"),
    ("pycoder-7b-sft", "pycoder", "internal"),
    ("gpt-4o-2024-08-06", "gpt-4", "openai"),
)
# (task type as written, verifiability)
TASKS: tuple[tuple[str, str], ...] = (
    ("code-generation", "verifiable"),
    ("code", "verifiable"),
    ("text-to-sql", "verifiable"),
    ("math-word-problems", "verifiable"),
    ("math", "verifiable"),
    ("formal-logic", "verifiable"),
    ("sentiment-analysis", "subjective"),
    ("toxicity-detection", "subjective"),
    ("hate-speech-detection", "subjective"),
    ("preference-ranking", "subjective"),
    ("creative-writing", "subjective"),
    ("question-answering", "mixed"),
    ("summarization", "mixed"),
    ("translation", "mixed"),
    ("dialogue", "mixed"),
    ("instruction-following", "mixed"),
    ("chat", "mixed"),
    ("unknown", "unknown"),
)
STAGES: tuple[tuple[str, int], ...] = (
    ("sft", 50),
    ("preference", 12),
    ("pretrain", 8),
    ("eval", 25),
    ("unknown", 5),
)
LANGUAGES = ("en", "de", "fr", "es", "zh", "ja", "hi", "sw", "yo", "am", "ha", "ig")
LOW_RESOURCE = frozenset({"sw", "yo", "am", "ha", "ig"})
VERIFIERS = ("unit-tests", "execution", "exact-answer", "proof-checker", "model-verifier")
FILTERS = (
    "minhash-dedup",
    "exact-dedup",
    "language-id",
    "reward-model-score",
    "length-ratio",
    "benchmark-decontamination",
    "perplexity-filter",
    "llm-judge",
)
HUMAN_DESCRIPTIONS = (
    "Crowd-labelled items with three annotators each and majority vote.",
    "Expert-written items reviewed by a second annotator.",
    "Permissively licensed public data, deduplicated.",
    "Held-out items from the original human collection.",
)
SYNTHETIC_DESCRIPTIONS = (
    "Generated from seed prompts with temperature 0.8 and two samples per prompt.",
    "Rewritten from the human seed data to increase topical coverage.",
    "Generated for rare categories that the human data under-represents.",
)
SPLIT_NAMES = ("train", "validation", "test")


def file_name(index: int) -> str:
    """``m00000.synthgate.yaml`` and so on."""
    return f"m{index:05d}.synthgate.yaml"


def _pick_stage(rng: random.Random) -> str:
    total = sum(weight for _, weight in STAGES)
    roll = rng.randrange(total)
    for stage, weight in STAGES:
        if roll < weight:
            return stage
        roll -= weight
    return STAGES[-1][0]  # pragma: no cover


def _model(model: tuple[str, str, str]) -> str:
    return f"{{name: {model[0]}, family: {model[1]}, provider: {model[2]}}}"


def _count(rng: random.Random, low: int, high: int) -> str:
    """A record count, rarely left 'unknown'."""
    if rng.random() < 0.01:
        return "unknown"
    return str(rng.randint(low, high))


def _source(
    rng: random.Random,
    out: list[str],
    source_id: str,
    verifiability: str,
    human_ids: list[str],
) -> None:
    roll = rng.random()
    origin = (
        "human"
        if roll < 0.42
        else "synthetic"
        if roll < 0.88
        else "mixed"
        if roll < 0.97
        else "unknown"
    )
    records = _count(rng, 200, 120_000)
    out += [f"      - id: {source_id}", f"        origin: {origin}", f"        records: {records}"]
    if rng.random() < 0.3 and records != "unknown":
        out.append(f"        tokens: {int(records) * rng.randint(40, 900)}")
    if origin in ("human", "unknown"):
        if rng.random() < 0.4:
            out.append(f"        description: {rng.choice(HUMAN_DESCRIPTIONS)}")
        if origin == "human":
            human_ids.append(source_id)
        return
    if origin == "mixed":
        out.append(f"        synthetic_share: {rng.uniform(0.05, 0.95):.3f}")
    generator = rng.choice(GENERATORS)
    out.append(f"        method: {rng.choice(('llm', 'llm', 'llm', 'rephrase', 'template'))}")
    if rng.random() < 0.97:  # a few synthetic sources forget their generator
        if rng.random() < 0.5:
            out.append(f"        generator: {_model(generator)}")
        else:
            out += [
                "        generator:",
                f"          name: {generator[0]}",
                f"          family: {generator[1]}",
                f"          provider: {generator[2]}",
            ]
            if rng.random() < 0.5:
                out.append(f'          terms_version: "2024-{rng.randint(1, 12):02d}-01"')
    depth = rng.choices(("1", "2", "3", "unknown"), weights=(85, 9, 3, 3))[0]
    out.append(f"        generation_depth: {depth}")
    if human_ids and rng.random() < 0.6:
        out.append(f"        derived_from: [{rng.choice(human_ids)}]")
    if records != "unknown" and (verifiability == "verifiable" or rng.random() < 0.15):
        kept = int(records)
        checked = kept + rng.randint(0, kept)
        passed = kept if rng.random() < 0.7 else rng.randint(kept * 8 // 10, kept)
        out += [
            "        verification:",
            f"          method: {rng.choice(VERIFIERS)}",
            f"          items_checked: {checked}",
            f"          items_passed: {passed}",
        ]
        if rng.random() < 0.3:
            out.append(f"          tests_per_item: {rng.uniform(2, 20):.1f}")
    if rng.random() < 0.5 and records != "unknown":
        kept = int(records)
        methods = ", ".join(rng.sample(FILTERS, rng.randint(1, 3)))
        out += [
            "        filtering:",
            f"          generated: {kept + rng.randint(0, 3 * kept)}",
            f"          kept: {kept}",
            f"          methods: [{methods}]",
        ]
    if rng.random() < 0.55:
        out.append(
            f"        human_audit: {{items: {rng.randint(20, 600)}, "
            f"error_rate: {rng.uniform(0.0, 0.3):.3f}}}"
        )
    if rng.random() < 0.3:
        out.append(
            f"        diversity: {{near_duplicate_rate: {rng.uniform(0.0, 0.2):.3f}, "
            f"self_bleu: {rng.uniform(0.1, 0.6):.3f}}}"
        )
    if rng.random() < 0.25:
        out.append(f"        description: {rng.choice(SYNTHETIC_DESCRIPTIONS)}")


def manifest_text(seed: int, index: int) -> str:
    """The YAML text of manifest ``index`` of the set generated with ``seed``."""
    rng = random.Random(f"synthgate-bench:{seed}:{index}")
    task, verifiability = rng.choice(TASKS)
    stage = _pick_stage(rng)
    languages = ["en"]
    if task in ("translation", "machine-translation") or rng.random() < 0.2:
        languages.append(rng.choice(LANGUAGES[1:]))
    low = any(code in LOW_RESOURCE for code in languages)
    level = "low" if low else rng.choice(("high", "high", "medium", "unknown"))
    out = [
        f"# Benchmark manifest {index} (seed {seed}), written by benchmarks/generate.py.",
        "dataset:",
        f"  name: bench-{index:05d}-{task}",
        f'  version: "{rng.randint(0, 5)}.{rng.randint(0, 12)}"',
        f"  description: Benchmark dataset {index} for {task} ({stage}).",
        f"  task_type: {task}",
        f"  stage: {stage}",
        f"  languages: [{', '.join(languages)}]",
        f"  resource_level: {level}",
    ]
    if rng.random() < 0.85:
        targets = rng.sample(TARGETS, rng.randint(1, 2))
        out.append("  target_models:")
        out += [f"    - {_model(target)}" for target in targets]
    if stage == "eval" and rng.random() < 0.6:
        out.append(f"  judge: {_model(rng.choice(GENERATORS[:6]))}")
    out.append(f"  replaces_previous_version: {rng.choice(('false', 'false', 'true', 'unknown'))}")
    year, month, day = rng.randint(2023, 2025), rng.randint(1, 12), rng.randint(1, 28)
    out.append(f"  released: {year}-{month:02d}-{day:02d}")
    out.append("splits:")
    split_count = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
    human_ids: list[str] = []
    for split in SPLIT_NAMES[:split_count]:
        out += [f"  - name: {split}", "    sources:"]
        sources = 2 + int(18 * rng.random() ** 3.5)  # 2..20, most manifests have few
        for number in range(sources):
            _source(rng, out, f"{split}-{number:02d}", verifiability, human_ids)
    return "\n".join(out) + "\n"


def generate(directory: Path, count: int, seed: int = 0) -> int:
    """Write ``count`` manifests into ``directory``; return the bytes written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    for index in range(count):
        data = manifest_text(seed, index).encode("utf-8")
        (directory / file_name(index)).write_bytes(data)
        written += len(data)
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line: ``generate.py DIRECTORY COUNT [--seed S]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("directory", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    written = generate(args.directory, args.count, args.seed)
    mean = written / args.count if args.count else 0.0
    print(f"wrote {args.count} manifests to {args.directory} ({written:,} bytes, {mean:,.0f} avg)")


if __name__ == "__main__":
    main()
