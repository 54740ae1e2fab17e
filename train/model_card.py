"""The model card (README.md of a model folder): what produced the model and how good it is."""

from __future__ import annotations

from farsiner.train.config import dump_config

CORPUS_TERMS = {
    "peyma": "PEYMA (Shahshahani et al., arXiv:1801.09936; NSURL-2019 release, Taghizadeh et al.): research use only",
    "arman": "ARMAN (Poostchi et al., COLING 2016, LREC 2018): academic research use only",
    "eghtesadonline": "EghtesadOnline economic news 2021-2024 (the publisher's; no licence), with farsiner's own "
    "annotations (ids, hashes and offsets): research use only, the text never redistributed",
}


def model_card(config, summary: dict, reports: dict) -> str:
    sources = []
    for s in config.data.sources:
        extra = f", parts {s.parts}" if s.format == "peyma-nsurl" else ""
        dedupe = f", minus sentences also in {', '.join(s.dedupe_against)}" if s.dedupe_against else ""
        sources.append(f"- {s.split}: `{s.format}` {s.path.split('/')[-1]}{extra}{dedupe}")
    terms = [v for k, v in CORPUS_TERMS.items() if any(k in s.format for s in config.data.sources)]
    lines = [
        "---",
        "library_name: transformers",
        "pipeline_tag: token-classification",
        "language: fa",
        "---",
        "",
        "# farsiner token-classification model",
        "",
        f"Persian named entities and quantities ({', '.join(config.data.types)}), fine-tuned from "
        f"`{config.model.name_or_path.split('/')[-1] if '/' in config.model.name_or_path else config.model.name_or_path}` by `farsiner train`.",
        "Use it through `farsiner.Tagger`, which normalises the text the way the model was trained "
        f"(ZWNJ: {config.model.zwnj}, digits: {config.model.digits}) and maps entities back to the "
        "caller's offsets; it also loads with `AutoModelForTokenClassification` and transformers' `pipeline`.",
        "",
        "## Training data",
        "",
        *sources,
        f"- silver QTY labels on the training split: {'yes' if config.data.silver_qty else 'no'}",
        "",
        "Terms of the training data: " + ("; ".join(terms) if terms else "see the sources above") + ". "
        "The model is released for research use under those terms.",
        "",
        "## Training",
        "",
        *_distillation(config),
        f"- hardware: {summary.get('hardware')}",
        f"- time: {summary.get('train_seconds')} s for {summary.get('steps')} steps "
        f"({summary.get('sentences_per_second')} sentences/s); best dev step {summary.get('best_step')}",
        "",
        "## Scores (seqeval, entity level, micro average)",
        "",
        "| split | mode | precision | recall | F1 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for split, modes in summary.get("scores", {}).items():
        for mode, v in modes.items():
            lines.append(f"| {split} | {mode} | {100 * v['precision']:.2f} | {100 * v['recall']:.2f} | {100 * v['f1']:.2f} |")
    for split, report in reports.items():
        lines += ["", f"### {split}, strict IOB2, per type", "", "| type | P | R | F1 | support |", "| --- | --- | --- | --- | --- |"]
        for name, v in report["strict"].items():
            lines.append(f"| {name} | {100 * v['precision']:.2f} | {100 * v['recall']:.2f} | {100 * v['f1']:.2f} | {v['support']} |")
    lines += ["", "## Config", "", "```yaml", dump_config(config).rstrip(), "```", ""]
    return "\n".join(lines)


def _distillation(config) -> list[str]:
    """A student's card says what taught it."""
    d = getattr(config, "distill", None)
    if d is None:
        return []
    layers = f", keeping encoder layers {d.student_layers}" if d.student_layers is not None else ""
    teachers = ", ".join(f"`{'/'.join(t.rstrip('/').split('/')[-2:])}`" for t in d.teachers)
    return [f"- distilled (`farsiner distill`) from {teachers}{layers}: alpha {d.alpha} × T² × KL over the teachers' "
            f"top-{d.top_k} labels at temperature {d.temperature}, plus {1 - d.alpha:g} × cross-entropy on gold"]
