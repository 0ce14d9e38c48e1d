"""Write requirements.txt from setup.py's runtime requirements (`core`), or check that it is in sync.

    python scripts/make_requirements.py            # (re)write requirements.txt at the repository root
    python scripts/make_requirements.py --check    # exit 1, naming the difference, when it is out of date

setup.py stays the one place where requirements are declared (it needs extras); requirements.txt is generated
for tools and readers that expect one. setup.py is read with `ast` (not executed: it would call setuptools)."""
import argparse, ast, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ("# Runtime requirements of fg_tuner, generated from setup.py's `core` list by\n"
          "#     python scripts/make_requirements.py\n"
          "# Do not edit by hand: change setup.py and regenerate (a test in nbs/95_scripts.ipynb checks they agree).\n"
          "# Install torch first (CPU or your CUDA build); extras (dev, gpu, export, standin) are in setup.py.\n")

def core_requirements(setup_py) -> list:
    "The string list assigned to `core` in setup.py, comments dropped."
    tree = ast.parse(Path(setup_py).read_text(encoding='utf-8'))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == 'core' for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise SystemExit(f"error: {setup_py}: no `core = [...]` list of requirements")

def requirements_text(setup_py) -> str:
    "The full text of requirements.txt for `setup_py`."
    return HEADER + ''.join(f'{r}\n' for r in core_requirements(setup_py))

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--setup', default=str(ROOT/'setup.py'), help='setup.py to read (default: the repository root one)')
    p.add_argument('--out', default=str(ROOT/'requirements.txt'), help='file to write or check')
    p.add_argument('--check', action='store_true', help='compare only; exit 1 when out of date')
    a = p.parse_args(argv)
    want, out = requirements_text(a.setup), Path(a.out)
    if a.check:
        have = out.read_text(encoding='utf-8') if out.is_file() else None
        if have == want: print(f'{out} is in sync with {a.setup}'); return 0
        if have is None: print(f'error: {out} is missing: run python scripts/make_requirements.py', file=sys.stderr); return 1
        a_, b_ = set(have.splitlines()) - set(want.splitlines()), set(want.splitlines()) - set(have.splitlines())
        print(f"error: {out} is out of sync with {a.setup} (only in requirements.txt: {sorted(a_)}; only in setup.py: {sorted(b_)}): "
              "run python scripts/make_requirements.py", file=sys.stderr)
        return 1
    out.write_text(want, encoding='utf-8')
    print(f'wrote {out} ({len(core_requirements(a.setup))} requirements)')
    return 0

if __name__ == '__main__':
    sys.exit(main())
