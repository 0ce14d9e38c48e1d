#!/usr/bin/env python
"""Benchmark generation (issue 14): rows/s of `fg_tuner.generate` on a real test set, plain vs shared-prefix vs
constrained, and how often the answers agree with plain greedy `generate`; optionally llama.cpp seconds per request.

    python benchmarks/bench_generate.py --model outputs/RUN --data outputs/RUN/../data/test.jsonl --out benchmarks/generate.md
    python benchmarks/bench_generate.py --model /tmp/standin --hr --repeat-rows 695        # no trained model: the HR prompts
    python benchmarks/bench_generate.py --gguf model-q8_0.gguf --hr --threads 2 --requests 30 --modes '' # llama.cpp only

Each mode decodes the same prompts (the test set's `prompt` column) greedily with `max_new_tokens` (default 128):

- `plain-B`: transformers' `generate`, left-padded batches of B, no constraint (what `fg-tuner eval` did before);
- `shared-B`: `decode_shared` (the batch's common token prefix once), batches of B, no constraint;
- `shared-B+c`: the same with constrained decoding (`tool_choice` auto), what `fg-tuner eval` does now.

Rows/s counts the whole `generate` call (tokenizing, prefill, decoding, detokenizing) after one warm-up batch. A batch
decodes until its longest answer ends, so the longest answer (and how many reached `max_new_tokens`) tells how many
steps a batch ran.
`agree` = share of rows whose answer text equals the first mode's (the plain reference). With `--gguf`: seconds per
request for successive requests that share the tool-declaration prefix (llama.cpp reuses the cached prefix),
with and without the constraint; the first request (which fills the cache) is reported apart. `--profile MODE` also
records one batch of MODE with the PyTorch profiler (GPU kernel time against wall time, the busiest ops, the CPU time
of the constraint's `fg.constrain.*` sections).
"""
import argparse, json, os, platform, random, statistics, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def hr_prompts(n:int, seed:int=0) -> list:
    "The HR sample sheet's prompts (no distractors, the file's declaration order: one shared ~1,250-token prefix), repeated/shuffled to `n` rows."
    from fg_tuner.dataset import convert
    conv = convert(ROOT/'data/raw/hr_routing.xlsx', data={'distractors': 0, 'shuffle_tools': False})
    ps = [r['prompt'] for r in conv.train + conv.test]
    random.Random(seed).shuffle(ps)
    return (ps * (n // len(ps) + 1))[:n]

def load_prompts(a) -> list:
    if a.hr: return hr_prompts(a.repeat_rows or 400)
    from fg_tuner.evaluate import read_test_set
    ps = [r['prompt'] for r in read_test_set(a.data, limit=a.limit)]
    return (ps * (a.repeat_rows // len(ps) + 1))[:a.repeat_rows] if a.repeat_rows else ps

def run_hf(a, prompts) -> list:
    import torch
    from fg_tuner.generate import load_generator
    rows, ref = [], None
    gen = load_generator(a.model, batch_size=16, max_new_tokens=a.max_new_tokens, engine='hf')
    for mode in [m for m in a.modes.split(',') if m]:
        kind, _, rest = mode.partition('-')
        bs, constrained = int(rest.rstrip('+c')), rest.endswith('+c')
        gen.batch_size, gen.constrain, gen.shared_prefix = bs, constrained, kind == 'shared'
        gen.generate(prompts[:bs])                                # warm-up (kernels, llguidance tokenizer view)
        if torch.cuda.is_available(): torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter(); outs = gen.generate(prompts); secs = time.perf_counter() - t0
        if ref is None: ref = outs
        peak = torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None
        lens = [len(gen.tok(o, add_special_tokens=False).input_ids) for o in outs]
        toks = sum(lens)
        rows.append({'mode': mode, 'rows': len(prompts), 'seconds': round(secs, 2), 'rows_per_s': round(len(prompts) / secs, 1),
                     'new_tokens_per_row': round(toks / len(prompts), 1), 'longest_answer': max(lens, default=0),
                     'answers_at_budget': sum(n >= a.max_new_tokens for n in lens),
                     'agree': round(sum(x == y for x, y in zip(outs, ref)) / len(ref), 4),
                     'peak_gib': round(peak, 2) if peak is not None else None})
        print(json.dumps(rows[-1]), flush=True)
    return rows

def profile_hf(a, prompts) -> dict:
    "One batch of mode `--profile` under the PyTorch profiler: wall time, GPU kernel time, the busiest ops (to `--profile-out`)."
    import torch
    sys.path.insert(0, str(ROOT/'benchmarks'))
    from profile_step import summary
    from fg_tuner.generate import load_generator
    kind, _, rest = a.profile.partition('-')
    bs = int(rest.rstrip('+c'))
    gen = load_generator(a.model, batch_size=bs, max_new_tokens=a.max_new_tokens, engine='hf')
    gen.constrain, gen.shared_prefix = rest.endswith('+c'), kind == 'shared'
    batch = prompts[:bs]
    gen.generate(batch)                                           # warm-up
    acts = [torch.profiler.ProfilerActivity.CPU] + ([torch.profiler.ProfilerActivity.CUDA] if torch.cuda.is_available() else [])
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    sync(); t0 = time.perf_counter()
    with torch.profiler.profile(activities=acts) as prof:
        gen.generate(batch); sync()
    wall = time.perf_counter() - t0
    ka = prof.key_averages()
    res = {'mode': a.profile, 'rows': len(batch), **summary(ka, wall, 1)}
    ann = {e.key: round(e.cpu_time_total / 1e6, 4) for e in ka if e.key.startswith('fg.')}
    res['annotations_cpu_s'] = ann
    sort = 'cuda_time_total' if torch.cuda.is_available() else 'cpu_time_total'
    text = json.dumps(res) + '\n\n' + ka.table(sort_by=sort, row_limit=30) + '\n\n' + ka.table(sort_by='cpu_time_total', row_limit=20)
    out = Path(a.profile_out or f'profile_generate_{a.profile}.txt'); out.write_text(text)
    print('PROFILE ' + json.dumps(res), flush=True)
    return res

def run_gguf(a, prompts) -> list:
    from fg_tuner.generate import GGUFGenerator
    rows = []
    for constrained in (False, True):
        g = GGUFGenerator(a.gguf, n_threads=a.threads, max_new_tokens=a.max_new_tokens, constrain=constrained)
        ps = prompts[:a.requests]
        t0 = time.perf_counter(); g.generate(ps[:1]); first = time.perf_counter() - t0
        times = []
        for p in ps[1:]:
            t0 = time.perf_counter(); g.generate([p]); times.append(time.perf_counter() - t0)
        rows.append({'mode': 'llama.cpp' + (' +c' if constrained else ''), 'requests': len(ps), 'first_s': round(first, 2),
                     'p50_s': round(statistics.median(times), 3), 'mean_s': round(statistics.mean(times), 3), 'max_s': round(max(times), 3)})
        print(json.dumps(rows[-1]), flush=True)
    return rows

def markdown(a, hf:list, gg:list, prompts) -> str:
    import torch, transformers
    from fg_tuner.models import offline_tokenizer
    tok = offline_tokenizer(a.model or 'standin')
    n = [len(tok(p, add_special_tokens=False).input_ids) for p in prompts[:200]] if tok is not None else []
    dev = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f'cpu ({torch.get_num_threads()} threads)'
    lines = [f'<!-- {" ".join(sys.argv)} -->', '# Generation speed', '',
             f"{time.strftime('%Y-%m-%d')}; {dev}; torch {torch.__version__}, transformers {transformers.__version__}; "
             f"model {a.model or a.gguf}; {len(prompts)} prompts" + (f", {statistics.median(n):.0f} tokens median" if n else '') +
             f"; max_new_tokens {a.max_new_tokens}.", '']
    if hf:
        lines += ['| mode | rows | seconds | rows/s | new tokens/row | longest answer (tokens) | answers at the budget | answers equal to the first mode | peak GPU GiB |',
                  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
        lines += [f"| {r['mode']} | {r['rows']} | {r['seconds']} | {r['rows_per_s']} | {r['new_tokens_per_row']} | {r['longest_answer']} | {r['answers_at_budget']} "
                  f"| {100 * r['agree']:.1f}% | {r['peak_gib'] or '-'} |" for r in hf]
    if gg:
        lines += ['', f'llama.cpp ({a.threads} threads), one request at a time, the shared prefix cached after the first:', '',
                  '| mode | requests | first (fills the cache) s | p50 s | mean s | max s |', '| --- | --- | --- | --- | --- | --- |']
        lines += [f"| {r['mode']} | {r['requests']} | {r['first_s']} | {r['p50_s']} | {r['mean_s']} | {r['max_s']} |" for r in gg]
    return '\n'.join(lines) + '\n'

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--model', help='run folder, adapter, merged model folder (transformers modes)')
    ap.add_argument('--data', help='test.jsonl (its prompt column)')
    ap.add_argument('--hr', action='store_true', help='use the HR sample sheet prompts instead of --data')
    ap.add_argument('--limit', type=int); ap.add_argument('--repeat-rows', type=int, default=0, help='cycle the prompts to this many rows')
    ap.add_argument('--modes', default='plain-16,plain-64,shared-64,shared-128,shared-256,shared-128+c,shared-256+c')
    ap.add_argument('--max-new-tokens', type=int, default=128)
    ap.add_argument('--gguf', help='a .gguf file: also time llama.cpp'); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--requests', type=int, default=30, help='llama.cpp: requests timed')
    ap.add_argument('--out', help='write the Markdown table here')
    ap.add_argument('--profile', help='also profile one batch of this mode (e.g. shared-256+c) with the PyTorch profiler')
    ap.add_argument('--profile-out', help='--profile: where the op tables go (default profile_generate_MODE.txt)')
    a = ap.parse_args(argv)
    prompts = load_prompts(a)
    hf = run_hf(a, prompts) if a.model and a.modes else []
    gg = run_gguf(a, prompts) if a.gguf else []
    if a.profile and a.model: profile_hf(a, prompts)
    md = markdown(a, hf, gg, prompts)
    print(md)
    if a.out: Path(a.out).write_text(md, encoding='utf-8')

if __name__ == '__main__': main()
