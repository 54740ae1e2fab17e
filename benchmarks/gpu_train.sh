#!/usr/bin/env bash
# Train the bundled model's config on one GPU in bf16, three learning-rate variants side
# by side, plus parsbert-peyma.yaml's code path with the offline encoder in ParsBERT's
# place (the hub is unreachable there too), for its sentences/s and step time.
#
# Expects (not in git): .gpu/base (the pruned e5 folder, fp16), .gpu/data (PEYMA split
# files gzipped and the NSURL zip), .gpu/wheels (packages the GPU machine lacks).
# Writes to $OUT: the best model packaged in fp16 (a tar in 15 MiB pieces) and the logs.
# DRY=1 runs each variant for a few steps on the CPU, to check the script itself.
set -uo pipefail
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
OUT=${OUT:-/tmp/gpu-out}; mkdir -p "$OUT"
PY=${PY:-python3}

if [ -z "${DRY:-}" ]; then
  $PY -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .gpu/wheels/*.whl || exit 1
  export PYTHONPATH=/tmp/site:/tmp/pkg
  mkdir -p /tmp/pkg && ln -sfn "$PWD" /tmp/pkg/farsiner
  mkdir -p ../shared/data/peyma/split
  for s in train dev test; do gunzip -c .gpu/data/peyma/split/$s.txt.gz > ../shared/data/peyma/split/$s.txt; done
  cp .gpu/data/peyma/Farsi-NER-TrainingDataFixed.zip ../shared/data/peyma/
  nvidia-smi -L
  export OMP_NUM_THREADS=$(( 12 / ${PROCS:-4} ))
  LIMIT="train.max_minutes=${MINUTES:-5}"
else
  LIMIT="train.max_steps=4 data.sources.0.limit=100 data.sources.1.limit=100 data.sources.2.limit=50 data.sources.3.limit=50"
fi
$PY -c "import torch, transformers, datasets, accelerate, seqeval; print('torch', torch.__version__, 'transformers', transformers.__version__, 'datasets', datasets.__version__, 'cuda', torch.cuda.is_available())" || exit 1

COMMON="model.name_or_path=.gpu/base train.mixed_precision=bf16 train.eval_every=400 train.save_every=1000000 train.early_stopping_patience=0 train.log_every=50 $LIMIT"
[ -n "${DRY:-}" ] && COMMON="${COMMON/train.mixed_precision=bf16/train.mixed_precision=no} train.eval_every=2"
mkdir -p runs
run() {  # name config overrides...
  local name=$1 config=$2; shift 2
  $PY -m farsiner train --config "$config" train.output_dir=runs/$name $COMMON "$@" > runs/$name.log 2>&1
  echo "$name exit $?"
}
if [ "${SET:-1}" = 1 ]; then
  # first session: three learning rates (capped at MINUTES) and the parsbert-peyma.yaml code path
  NAMES="lr2e-4 lr1e-4 lr3e-4-cw parsbert-path"
  run lr2e-4 configs/me5-small-peyma.yaml train.learning_rate=2e-4 train.epochs=4 &
  run lr1e-4 configs/me5-small-peyma.yaml train.learning_rate=1e-4 train.epochs=5 &
  run lr3e-4-cw configs/me5-small-peyma.yaml train.learning_rate=3e-4 train.epochs=4 train.class_weights=true &
  run parsbert-path configs/parsbert-peyma.yaml model.zwnj=space model.digits=latin train.epochs=1 &
else
  # second: full schedules that fit, PEYMA train alone against PEYMA train + 600K
  NAMES="peyma-only with-600k"
  run peyma-only configs/me5-small-peyma.yaml train.learning_rate=2e-4 train.epochs=4 train.eval_every=250 \
      'data.sources=[{format: peyma-split, path: ../shared/data/peyma/split/train.txt, split: train}, {format: peyma-split, path: ../shared/data/peyma/split/dev.txt, split: dev}, {format: peyma-split, path: ../shared/data/peyma/split/test.txt, split: test}]' &
  run with-600k configs/me5-small-peyma.yaml train.learning_rate=2e-4 train.epochs=2.5 train.batch_size=32 train.eval_every=200 &
fi
wait

export NAMES
$PY - <<'EOF' | tee runs/choice.txt
import json, pathlib
rows = []
import os
for name in os.environ["NAMES"].split():
    p = pathlib.Path("runs", name, "summary.json")
    if not p.exists():
        print(name, "no summary")
        continue
    s = json.loads(p.read_text())
    dev, test = s["scores"].get("dev", {}), s["scores"].get("test", {})
    rows.append((dev.get("default", {}).get("f1", 0), p.parent.name, s))
    print(p.parent.name, "dev", round(100 * dev.get("default", {}).get("f1", 0), 2), "test strict", round(100 * test.get("strict", {}).get("f1", 0), 2),
          "steps", s["steps"], "sent/s", s["sentences_per_second"], "hw", s["hardware"])
    log = [json.loads(l) for l in (p.parent / "metrics.jsonl").read_text().splitlines()]
    last = [r for r in log if "seconds_per_step" in r][-1:]
    for r in last:
        print("   seconds/step", round(r["seconds_per_step"], 4), "sentences/s", round(r["sentences_per_second"], 1))
best = max(r for r in rows if r[1] != "parsbert-path")
print("BEST", best[1])
EOF
BEST=$(awk '/^BEST/ {print $2}' runs/choice.txt)
$PY -m farsiner package --model runs/$BEST/model --out runs/bundle
tar czf - runs/bundle | split -b 15m - "$OUT/bundle.tgz."
R=$(for n in $NAMES; do echo runs/$n; done)
tar czf "$OUT/logs.tgz" runs/*.log runs/choice.txt $(for r in $R; do echo $r/metrics.jsonl $r/summary.json $r/eval $r/curves.png $r/confusion.png $r/config.yaml; done)
ls -la "$OUT"
