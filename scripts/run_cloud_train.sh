#!/usr/bin/env bash
# Start a training run in the background on a headless GPU box; it survives the SSH session ending.
#
#   scripts/run_cloud_train.sh EXP [NUM_GPUS] [KEY=VALUE ...] [--dry-run]
#
#   EXP        an experiment in configs/experiments/EXP.yaml (the script exits 2 at once when it does not exist)
#   NUM_GPUS   1 (default): python main.py ...; N > 1: accelerate launch (DDP, scripts/accelerate_ddp.yaml)
#   KEY=VALUE  config overrides, e.g. training.learning_rate=1e-4 training.max_steps=200
#   --dry-run  print the command and the log path, start nothing
#
# Runs `python main.py --config-name base_config experiments=EXP training.run_name=EXP_<timestamp> KEY=VALUE ...`
# under setsid + nohup, so the run has its own session and ignores the hang-up when the SSH connection closes.
# Output goes to outputs/logs/EXP_<timestamp>.log (PID in the matching .pid file); the run folder is
# outputs/EXP_<timestamp>/ unless you pass training.run_name yourself.
#
# Environment: FG_PYTHON (interpreter; default: .venv/bin/python when present and no environment is active,
# else python3), FG_STARTUP_WAIT (seconds to watch for an immediate crash, default 5),
# FG_MAIN_PROCESS_PORT (DDP rendezvous port, default 29500; change it to run two DDP jobs on one box).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "error: $*" >&2; exit 2; }

DRY_RUN=0
POS=()
for a in "$@"; do
  case "$a" in
    -h|--help) usage; exit 0 ;;
    -n|--dry-run) DRY_RUN=1 ;;
    -*) die "unknown option $a (see --help)" ;;
    *) POS+=("$a") ;;
  esac
done
[ ${#POS[@]} -ge 1 ] || { usage >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

EXP="${POS[0]%.yaml}"
EXP="${EXP#configs/experiments/}"
if [ ! -f "configs/experiments/$EXP.yaml" ]; then
  avail=""
  for f in configs/experiments/*.yaml; do [ -e "$f" ] && avail="$avail $(basename "$f" .yaml)"; done
  avail="${avail# }"
  die "experiment '$EXP' not found: configs/experiments/$EXP.yaml does not exist (available: ${avail:-none})"
fi

NUM_GPUS=1
OVERRIDES=("${POS[@]:1}")
if [ ${#OVERRIDES[@]} -gt 0 ] && [[ "${OVERRIDES[0]}" =~ ^[0-9]+$ ]]; then
  NUM_GPUS="${OVERRIDES[0]}"; OVERRIDES=("${OVERRIDES[@]:1}")
fi
[ "$NUM_GPUS" -ge 1 ] || die "NUM_GPUS must be at least 1, got $NUM_GPUS"
HAS_RUN_NAME=0
for o in ${OVERRIDES[@]+"${OVERRIDES[@]}"}; do
  [[ "$o" == *=* ]] || die "'$o' is not a KEY=VALUE override (NUM_GPUS goes right after EXP)"
  [[ "$o" == training.run_name=* ]] && HAS_RUN_NAME=1
done

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  HAVE=$(nvidia-smi -L | grep -c '^GPU ')
  [ "$NUM_GPUS" -le "$HAVE" ] || die "asked for $NUM_GPUS GPUs but nvidia-smi lists $HAVE"
elif [ "$NUM_GPUS" -gt 1 ]; then
  echo "warning: nvidia-smi not found; cannot check that $NUM_GPUS GPUs exist" >&2
fi

if [ -n "${FG_PYTHON:-}" ]; then PY="$FG_PYTHON"
elif [ -x .venv/bin/python ] && [ -z "${VIRTUAL_ENV:-}" ] && [ -z "${CONDA_PREFIX:-}" ]; then PY="$ROOT/.venv/bin/python"
else PY="$(command -v python3 || command -v python)"; fi

TS="$(date +%Y%m%d_%H%M%S)"
RUN="${EXP}_${TS}"
LOG_DIR="outputs/logs"
LOG="$LOG_DIR/$RUN.log"
ARGS=(main.py --config-name base_config "experiments=$EXP")
[ $HAS_RUN_NAME = 1 ] || ARGS+=("training.run_name=$RUN")
ARGS+=(${OVERRIDES[@]+"${OVERRIDES[@]}"})
if [ "$NUM_GPUS" -gt 1 ]; then
  CMD=("$PY" -m accelerate.commands.launch --config_file scripts/accelerate_ddp.yaml --num_processes "$NUM_GPUS"
       --main_process_port "${FG_MAIN_PROCESS_PORT:-29500}" "${ARGS[@]}")
else
  CMD=("$PY" "${ARGS[@]}")
fi
QUOTED="$(printf '%q ' "${CMD[@]}")"

if [ $DRY_RUN = 1 ]; then
  echo "dry run: would start in $ROOT on $NUM_GPUS GPU(s):"
  echo "  $QUOTED"
  echo "python: $PY"
  echo "log: $LOG"
  exit 0
fi

mkdir -p "$LOG_DIR"
{
  echo "# run_cloud_train.sh $EXP on $NUM_GPUS GPU(s), started $(date -Is) on $(hostname)"
  echo "# cwd: $ROOT"
  echo "# git: $(git rev-parse --short HEAD 2>/dev/null || echo 'no commit') $(git status --porcelain 2>/dev/null | grep -q . && echo '(uncommitted changes)')"
  echo "# command: $QUOTED"
} > "$LOG"

export PYTHONUNBUFFERED=1
if command -v setsid >/dev/null 2>&1; then
  setsid nohup "${CMD[@]}" >> "$LOG" 2>&1 < /dev/null &
else
  nohup "${CMD[@]}" >> "$LOG" 2>&1 < /dev/null &
fi
PID=$!
echo "$PID" > "$LOG_DIR/$RUN.pid"

# Watch briefly for a crash at start-up (bad override, missing data): report it now, not an hour later.
for _ in $(seq "${FG_STARTUP_WAIT:-5}"); do
  kill -0 "$PID" 2>/dev/null || break
  sleep 1
done
if ! kill -0 "$PID" 2>/dev/null; then
  if wait "$PID"; then
    echo "run $RUN finished already (exit 0); log: $LOG"
    exit 0
  else
    rc=$?
    echo "error: run $RUN exited with code $rc during start-up; last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2
    exit 1
  fi
fi

echo "started $RUN on $NUM_GPUS GPU(s): PID $PID"
echo "  python: $PY"
echo "  log:    $LOG"
echo "  follow: tail -f $LOG"
if command -v setsid >/dev/null 2>&1; then
  echo "  stop:   kill -- -$PID    (the whole process group, DDP workers included)"
else
  echo "  stop:   kill $PID"
fi
