#!/usr/bin/env python
"""Per-test-set metrics of one `fg-tuner eval` call over several test sets concatenated (as `bench_quality.py` makes them).

`bench_quality.py` evaluates all the test sets of a training in one call and scores each set on its rows of
predictions.jsonl. When that call failed inside the benchmark and was re-run by hand (for example with a smaller
`--batch-size` after running out of GPU memory), this scores the re-run's predictions the same way:

    python benchmarks/rescore_eval.py --pred EVAL_DIR/predictions.jsonl --split 'sgd_router/as is=299' --split 'sgd_unseen/as is=297'

`--split NAME=N` in the order the sets were concatenated; the counts must add up to the predictions' rows.
Prints a Markdown table with the columns of `benchmarks/quality.md`.
"""
import argparse, json, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fg_tuner.evaluate import compute_metrics

def pct(v): return '-' if v is None else f'{100 * v:.1f}%'
def f3(v): return '-' if v is None else f'{v:.3f}'

def rescore(pred:Path, splits:list) -> list:
    "`[(name, metrics)]`: `compute_metrics` of each split's consecutive rows of `pred`."
    rows = [json.loads(l) for l in pred.read_text(encoding='utf-8').splitlines() if l.strip()]
    if sum(n for _, n in splits) != len(rows):
        raise SystemExit(f'{pred}: {len(rows)} predictions, but the splits add up to {sum(n for _, n in splits)}')
    out, a = [], 0
    for name, n in splits:
        out.append((name, compute_metrics(rows[a:a + n]))); a += n
    return out

def table(scored:list) -> str:
    L = ['| test set | rows | tool acc (in scope) | exact call | arg P / R / F1 | out-of-scope declined | unparseable |',
         '| --- | ---: | ---: | ---: | --- | ---: | ---: |']
    for name, m in scored:
        a, o = m['arguments'], m['out_of_scope']
        tool = pct(m['tool_accuracy']) + (f" ({pct(m['in_scope']['tool_accuracy'])})" if o['n'] else '')
        L.append(f"| {name} | {m['n']} | {tool} | {pct(m['exact_accuracy'])} | {f3(a['precision'])} / {f3(a['recall'])} / {f3(a['f1'])} | "
                 f"{pct(o['accuracy']) + ' of ' + str(o['n']) if o['n'] else '-'} | {pct(m['unparseable']['rate'])} |")
    return '\n'.join(L)

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--pred', type=Path, required=True, help='predictions.jsonl of the eval call')
    p.add_argument('--split', action='append', required=True, help="NAME=N: the next N rows are test set NAME")
    a = p.parse_args(argv)
    splits = []
    for s in a.split:
        name, _, n = s.rpartition('=')
        if not name or not n.isdigit(): raise SystemExit(f'--split {s!r}: want NAME=N')
        splits.append((name, int(n)))
    print(table(rescore(a.pred, splits)))
    return 0

if __name__ == '__main__': sys.exit(main())
