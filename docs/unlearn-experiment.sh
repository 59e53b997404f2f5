#!/bin/bash
# Skin Deep Unlearning on the synthetic benchmark (README "Skin Deep Unlearning"): an artefact 95%
# aligned with melanoma in train/val, independent in test_unbiased, reversed in test_flipped.
# Baseline, LNTL (+GRL), TABE and CLGR (TABE + GRL), 3 seeds each, CPU-sized settings; then `probe`
# fits a softmax regression on each run's frozen encoder features to predict the artefact (fitted on
# test_unbiased, tested on test_flipped) and prints the table.
# Usage: [BIAS=instrument|marked|rulers] [SEEDS="0 1 2"] docs/unlearn-experiment.sh OUT_DIR
# (DEBIAS4J overrides the launcher, default java -jar target/debias4j.jar)
set -euo pipefail
OUT=${1:-results/unlearn-experiment}
D=${DEBIAS4J:-java -jar target/debias4j.jar}
SEEDS=${SEEDS:-"0 1 2"}
BIAS=${BIAS:-instrument}
EPOCHS=${EPOCHS:-6}
METHODS=${METHODS:-"1 2 3 4"}   # 1 baseline, 2 LNTL+GRL, 3 TABE, 4 CLGR
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
case $BIAS in
  instrument) PRESET=instrument; FLAGS="--instrument --num-aux 8"; ATTR=instrument ;;
  marked) PRESET=default; FLAGS="--marked"; ATTR=marked ;;
  rulers) PRESET=rulers; FLAGS="--rulers"; ATTR=scale ;;
  *) echo "BIAS must be instrument, marked or rulers" >&2; exit 2 ;;
esac
COMMON="--arch resnet20_cifar --width-mult 0.25 --image-size 32 --n-epochs $EPOCHS --batch-size 64 --lr-base 0.05
 --lr-class 0.01 --no-tta --saliency 0 $FLAGS --grl-scale 0.1 --alpha 0.03 --lambdaa 0.01 --results-dir $OUT/results"
mkdir -p "$OUT"
for S in $SEEDS; do
  DATA=$OUT/data-seed$S
  $D generate --out "$DATA" --preset $PRESET --image-size 32 --n-train 800 --n-val 200 --n-test 400 --seed "$S"
  for M in "1 baseline" "2 LNTL --GRL" "3 TABE" "4 TABE --GRL"; do
    set -- $M
    case " $METHODS " in *" $1 "*) ;; *) continue ;; esac
    NO=$1$S; shift
    [ -f "$OUT/results/$NO/metrics.json" ] && continue   # resumable: finished runs are kept
    $D train --test-no "$NO" $COMMON --seed "$S" --csv-dir "$DATA" --debias-config "$@"
  done
done
TESTS=$(for M in $METHODS; do for S in $SEEDS; do printf "%s%s," $M $S; done; done)
$D probe --results-dir "$OUT/results" --test-no "${TESTS%,}" --attribute $ATTR --fit-split test_unbiased \
  --eval-split test_flipped --auc-split test_flipped --out "$OUT/probe.json"
