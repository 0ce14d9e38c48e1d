"""Quantizations of one router against each other on a CPU: file size, seconds per constrained request, exact calls, and answers equal to the first file's.

    python benchmarks/bench_gguf_quant.py --gguf RUN/export/fg-router-q8_0.gguf --gguf OTHER.gguf ... --data TEST.jsonl [--requests 32] [--threads 2]

Each file is loaded on its own (one `Llama` at a time) as `fg-tuner eval` loads it (`GGUFGenerator`, constrained,
fast forward), answers one warm-up request (the shared tool prefix is then in llama.cpp's cache), then the next
`--requests` rows one at a time. Reported per file: size, mean and p50 seconds per request, llama.cpp steps per
answer token, the request time divided by its steps (the cost of a step, the suffix's prompt evaluation included),
exact calls and argument F1 (`fg_tuner.evaluate`), and how many answers equal the first file's.
"""
import argparse, gc, json, statistics, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

def timed_requests(g, rows:list) -> tuple:
    "`(answers, seconds, steps, tokens)` of a `GGUFGenerator` on `rows[1:]`, one request at a time, after a warm-up on `rows[0]` (its shared prefix then cached)."
    g.generate([rows[0]['prompt']])
    outs, secs, steps, toks = [], [], 0, 0
    for r in rows[1:]:
        t0 = time.perf_counter(); outs.append(g.generate([r['prompt']])[0]); secs.append(time.perf_counter() - t0)
        steps += g.steps; toks += g.tokens
    return outs, secs, steps, toks

def measure(path:str, rows:list, threads:int) -> dict:
    "Constrained answers to `rows[1:]` after a warm-up on `rows[0]`, timed one request at a time."
    from fg_tuner.generate import GGUFGenerator
    from fg_tuner.evaluate import compute_metrics, expected_calls, score_example
    from fg_tuner.formatter import parse_calls_safe
    g = GGUFGenerator(path, n_threads=threads, max_new_tokens=128, constrain=True)
    outs, secs, steps, toks = timed_requests(g, rows)
    del g; gc.collect()
    scored = []
    for r, o in zip(rows[1:], outs):
        calls, err = parse_calls_safe(o)
        scored.append({'expected': expected_calls(r), 'predicted': calls, 'error': err, 'score': score_example(expected_calls(r), calls, err)})
    m = compute_metrics(scored)
    return {'file': Path(path).name, 'bytes': Path(path).stat().st_size, 'outputs': outs, 'mean': statistics.mean(secs),
            'p50': statistics.median(secs), 'steps': steps, 'tokens': toks, 'ms_per_step': 1000 * sum(secs) / max(steps, 1),
            'exact': m['exact_accuracy'], 'f1': m['arguments']['f1'], 'n': m['n']}

def table(res:list, threads:int, n:int) -> str:
    import llama_cpp
    L = [f"{time.strftime('%Y-%m-%d')}; llama-cpp-python {llama_cpp.__version__}, {threads} threads; {n} requests after a warm-up one; "
         'constrained, fast forward (the default).', '',
         '| file | size | s per request (mean / p50) | steps per answer token | ms per step | exact call | arg F1 | answers equal to the first file\'s |',
         '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |']
    for r in res:
        same = sum(a == b for a, b in zip(r['outputs'], res[0]['outputs']))
        f1 = '-' if r['f1'] is None else f"{r['f1']:.3f}"
        L.append(f"| {r['file']} | {r['bytes'] / 1e6:.0f} MB | {r['mean']:.3f} / {r['p50']:.3f} | {r['steps'] / max(r['tokens'], 1):.2f} | "
                 f"{r['ms_per_step']:.1f} | {r['exact'] * 100:.1f}% | {f1} | {same} of {len(r['outputs'])} |")
    return '\n'.join(L) + '\n'

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--gguf', action='append', required=True, help='a .gguf file (repeat; the first is the reference)')
    ap.add_argument('--data', required=True, help='a converted test.jsonl')
    ap.add_argument('--requests', type=int, default=32); ap.add_argument('--threads', type=int, default=2); ap.add_argument('--out')
    a = ap.parse_args(argv)
    rows = [json.loads(l) for l in Path(a.data).read_text(encoding='utf-8').splitlines() if l.strip()][:a.requests + 1]
    if len(rows) < 2: raise SystemExit(f'{a.data}: needs at least 2 rows (a warm-up and one timed)')
    res = [measure(p, rows, a.threads) for p in a.gguf]
    text = f'<!-- python benchmarks/bench_gguf_quant.py {" ".join(argv if argv is not None else sys.argv[1:])} -->\n' + table(res, a.threads, len(rows) - 1)
    print(text)
    if a.out: Path(a.out).write_text(text, encoding='utf-8')
    return 0

if __name__ == '__main__': sys.exit(main())
