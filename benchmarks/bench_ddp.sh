#!/usr/bin/env bash
# Train the same data and config on 1 GPU and on 2 GPUs (DDP via accelerate launch), then compare loss curves and
# throughput in benchmarks/ddp_<mode>.md (+ ..._loss.png), which the docs' benchmarks page shows; benchmarks/ddp.md
# sums the results up.
#
#   benchmarks/bench_ddp.sh [EXP] [KEY=VALUE ...] [--dry-run]
#
# EXP defaults to exp_hr_routing. Both runs get the same experiment, seed, learning rate and schedule, and by default
# the same *global* batch (GLOBAL_BATCH=16: 16 x 1 GPU, 8 x 2 GPUs), so the loss curves should match step for step
# and the speed-up is what a second GPU buys for the same training. BENCH_MODE=per_device keeps the per-GPU batch
# (PER_DEVICE=16) instead: twice the global batch on 2 GPUs, half the steps (the curves then differ); this measures
# how throughput grows when each GPU gets a full batch.
#
# Environment: GPUS ("1 2"), GLOBAL_BATCH (16), BENCH_MODE (global|per_device), PER_DEVICE (16), LOGGING_STEPS (2),
# OUT (benchmarks/ddp_<mode>.md), TITLE (report heading), BENCH_ROOT (outputs/bench_ddp), FG_PYTHON (interpreter, default python3).
# Runs in the foreground (start it inside tmux/screen, or with nohup, on a remote box); each run's output is in
# BENCH_ROOT/<run>.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "error: $*" >&2; exit 2; }

DRY=0 POS=() GIVEN=""   # GIVEN: the arguments as given, less --dry-run (for the report's "Made by" line)
for a in "$@"; do
  [[ "$a" == -n || "$a" == --dry-run ]] || GIVEN="$GIVEN $(printf '%q' "$a")"
  case "$a" in
    -h|--help) usage; exit 0 ;;
    -n|--dry-run) DRY=1 ;;
    -*) die "unknown option $a" ;;
    *) POS+=("$a") ;;
  esac
done
EXP=exp_hr_routing
if [ ${#POS[@]} -gt 0 ] && [[ "${POS[0]}" != *=* ]]; then EXP="${POS[0]%.yaml}"; POS=("${POS[@]:1}"); fi
[ -f "configs/experiments/$EXP.yaml" ] || die "experiment '$EXP' not found: configs/experiments/$EXP.yaml does not exist"
for o in ${POS[@]+"${POS[@]}"}; do [[ "$o" == *=* ]] || die "'$o' is not a KEY=VALUE override"; done

SET_ENV=""   # the settings given in the environment, for the report's "Made by" line
for v in GPUS BENCH_MODE GLOBAL_BATCH PER_DEVICE LOGGING_STEPS OUT TITLE; do
  [ -n "${!v+x}" ] && SET_ENV="$SET_ENV$v=$(printf '%q' "${!v}") "
done
GPUS="${GPUS:-1 2}" MODE="${BENCH_MODE:-global}" GB="${GLOBAL_BATCH:-16}" PD="${PER_DEVICE:-16}"
OUT="${OUT:-benchmarks/ddp_$MODE.md}" BENCH_ROOT="${BENCH_ROOT:-outputs/bench_ddp}"
PY="${FG_PYTHON:-$(command -v python3 || command -v python)}"
[[ "$MODE" =~ ^(global|per_device)$ ]] || die "BENCH_MODE must be global or per_device, got '$MODE'"
TS="$(date +%Y%m%d_%H%M%S)"
GPU_INFO="$(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | sort | uniq -c | sed 's/^ *//' | paste -sd';' - || true)"
[ $DRY = 1 ] || mkdir -p "$BENCH_ROOT"

SPECS=()
for N in $GPUS; do
  if [ "$MODE" = global ]; then
    [ $((GB % N)) = 0 ] || die "GLOBAL_BATCH=$GB is not divisible by $N GPUs"
    B=$((GB / N))
  else B=$PD; fi
  RUN="ddp_${N}gpu_${TS}"
  ARGS=(main.py --config-name base_config "experiments=$EXP" "training.output_dir=$BENCH_ROOT" "training.run_name=$RUN"
        "training.per_device_train_batch_size=$B" training.gradient_accumulation_steps=1
        "training.logging_steps=${LOGGING_STEPS:-2}" logging.wandb_mode=disabled
        # the settings of the reports made before the recipe (fg_tuner.recipe) chose them: LoRA r16, 3 epochs, lr 2e-4, no validation
        training.method=lora lora.r=16 lora.alpha=32 training.num_train_epochs=3 training.learning_rate=2e-4
        training.warmup_ratio=0.05 data.val_size=0 ${POS[@]+"${POS[@]}"})
  DEVICES="$(seq -s, 0 $((N - 1)))"
  if [ "$N" -gt 1 ]; then
    CMD=("$PY" -m accelerate.commands.launch --config_file scripts/accelerate_ddp.yaml --num_processes "$N" "${ARGS[@]}")
  else
    CMD=("$PY" "${ARGS[@]}")
  fi
  echo "== $N GPU(s), per-GPU batch $B: CUDA_VISIBLE_DEVICES=$DEVICES $(printf '%q ' "${CMD[@]}")"
  [ $DRY = 1 ] && continue
  t0=$(date +%s.%N)
  CUDA_VISIBLE_DEVICES="$DEVICES" PYTHONUNBUFFERED=1 "${CMD[@]}" 2>&1 | tee "$BENCH_ROOT/$RUN.log"
  t1=$(date +%s.%N)
  SPECS+=("$BENCH_ROOT/$RUN:$N:$(awk "BEGIN{printf \"%.1f\", $t1 - $t0}")")
done
NOTE="Experiment \`$EXP\`, $(date -u +%Y-%m-%d), ${GPU_INFO:-GPU model unknown}; mode: $MODE batch"
NOTE="$NOTE ($([ "$MODE" = global ] && echo "global batch $GB on every GPU count" || echo "per-GPU batch $PD")). "
NOTE="${NOTE}Made by \`${SET_ENV}benchmarks/bench_ddp.sh${GIVEN}\`."
[ $DRY = 1 ] && { echo "dry run: report would go to $OUT with the note: $NOTE"; exit 0; }
"$PY" benchmarks/ddp_report.py --out "$OUT" --plot "${OUT%.md}_loss.png" --title "${TITLE:-Data-parallel training (DDP), $MODE batch: ${GPUS// / vs } GPUs}" \
  --note "$NOTE" "${SPECS[@]}"
