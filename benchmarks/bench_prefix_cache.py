#!/usr/bin/env python
"""One request at a time through `HFGenerator`, as `fg-tuner serve` answers a lone client: with and without the
cross-request prefix cache (`prefix_cache`, `fg_tuner.generate.PrefixCache`), on the same model object.

    python benchmarks/bench_prefix_cache.py                                  # the offline stand-in, HR test requests, CPU
    python benchmarks/bench_prefix_cache.py --model outputs/RUN --requests 16 --max-new-tokens 48

Each mode answers the same requests in turn (the first one is a warm-up and not timed), constrained with
`tool_choice=auto`, one request per `generate` call. Prints seconds per request for each mode, the cache's hits,
and how many answers differ between the modes (they should not).
"""
import argparse, statistics, sys, time
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--model', default='standin', help="run folder, adapter, merged model folder, 'standin' (built offline) or 'tiny' (random, for tests)")
    ap.add_argument('--data', default=str(ROOT/'data/raw/hr_routing.xlsx'), help='sheet whose test split supplies the requests')
    ap.add_argument('--requests', type=int, default=8, help='timed requests per mode')
    ap.add_argument('--max-new-tokens', type=int, default=32)
    ap.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch\'s)')
    a = ap.parse_args(argv)
    import torch
    from fg_tuner.dataset import convert
    from fg_tuner.generate import HFGenerator
    from fg_tuner.models import standin_dir, tiny_model_dir
    if a.threads: torch.set_num_threads(a.threads)
    model = str(standin_dir()) if a.model == 'standin' else str(tiny_model_dir()) if a.model == 'tiny' else a.model
    prompts = [r['prompt'] for r in convert(a.data, distractors=0).test][:a.requests + 1]
    base = HFGenerator.load(model, batch_size=1, max_new_tokens=a.max_new_tokens)
    device = next(base.model.parameters()).device
    print(f'model {model} on {device} ({torch.get_num_threads()} threads); {len(prompts) - 1} timed requests of ~{len(base.tok(prompts[0]).input_ids)} tokens, '
          f'max {a.max_new_tokens} new tokens', flush=True)
    out, times = {}, {}
    for cache in (0, 8):
        g = HFGenerator(base.model, base.tok, batch_size=1, max_new_tokens=a.max_new_tokens, prefix_cache=cache)
        answers, secs = [g.generate(prompts[:1])[0]], []
        for p in prompts[1:]:
            t = time.perf_counter(); answers.append(g.generate([p])[0])
            if device.type == 'cuda': torch.cuda.synchronize()
            secs.append(time.perf_counter() - t)
        out[cache], times[cache] = answers, secs
        stats = g.prefix_cache.stats() if g.prefix_cache else None
        print(f'prefix_cache={cache}: mean {statistics.mean(secs):.3f} s, median {statistics.median(secs):.3f} s per request'
              + (f'; cache {stats}' if stats else ''), flush=True)
    differ = sum(x != y for x, y in zip(out[0], out[8]))
    print(f'speed-up {statistics.mean(times[0]) / statistics.mean(times[8]):.2f}x; answers differing: {differ} of {len(prompts)}')
    return 0

if __name__ == '__main__': sys.exit(main())
