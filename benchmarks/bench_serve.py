#!/usr/bin/env python
"""Benchmark `fg-tuner serve`: requests/s and p50/p99 latency at 1, 8 and 64 concurrent clients; prints a markdown table.

    python benchmarks/bench_serve.py --url http://127.0.0.1:8000            # a server you started with `fg-tuner serve`
    python benchmarks/bench_serve.py --model outputs/my_run                 # starts `fg-tuner serve --model ...` itself
    python benchmarks/bench_serve.py --model outputs/my_run --clients 1,8,64 --requests 256 --out benchmarks/serve_h200.md

Each client is a closed loop: it sends one chat completion (one user message, no `tools`: the router answers
with its own tools, as an application of a trained router calls it), waits for the answer, sends the next.
For each concurrency level, one round of `clients` requests warms up (not timed), then `--requests` requests
are timed from the first send to the last answer. Latency is per request, measured by the client; the table
also shows the mean size of the generation batches the server formed (from each answer's
`fg_tuner.batch_size`) and the share of answers that were tool calls.

Requests are the `user_content` of a test set (`--data test.jsonl`; default with `--model`: the run's test set
when it has one), else the HR sample requests of scripts/make_sample_data.py.
"""
import argparse, asyncio, json, os, platform, random, signal, socket, statistics, subprocess, sys, time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

def sample_requests(data=None, n=500, seed=0) -> list:
    "User messages to send: the test set's `user_content`, else HR sample requests."
    if data:
        out = [r['user_content'] for r in _rows(data) if r.get('user_content')]
        if not out: raise SystemExit(f'{data}: no rows with user_content')
        return out
    sys.path.insert(0, str(ROOT/'scripts'))
    import make_sample_data as msd
    rng = random.Random(seed)
    makers = msd.hr_examples(rng)
    return [rng.choice(makers)()[0] for _ in range(n)]

def _rows(data) -> list: return [json.loads(l) for l in Path(data).read_text(encoding='utf-8').splitlines() if l.strip()]

def data_tools(data) -> list:
    "The tool declarations of the test set's first prompt, OpenAI-style (`[]` without data or declarations)."
    if not data: return []
    from fg_tuner.constrain import tools_from_prompt
    row = next((r for r in _rows(data) if r.get('prompt')), None)
    return [t.to_dict() for t in tools_from_prompt(row['prompt'])] if row else []

def percentile(xs, q):
    "The q-th percentile (0-100) of xs, by linear interpolation."
    xs = sorted(xs)
    if len(xs) == 1: return xs[0]
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    return xs[lo] + (xs[min(lo + 1, len(xs) - 1)] - xs[lo]) * (k - lo)

async def run_level(url, clients, n_requests, texts, model=None, timeout=600,
                    tools=None) -> dict: # declarations sent with every request (None: the server's own)
    "`clients` closed-loop clients sending `n_requests` requests in all (after one untimed round)."
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as http:
        async def one(i):
            body = {'model': model or 'router', 'messages': [{'role': 'user', 'content': texts[i % len(texts)]}], **({'tools': tools} if tools else {})}
            t = time.perf_counter()
            r = await http.post('/v1/chat/completions', json=body)
            dt = time.perf_counter() - t
            if r.status_code != 200: return dt, None
            return dt, r.json()
        await asyncio.gather(*[one(i) for i in range(clients)])   # warm-up round
        todo = iter(range(n_requests))
        results = []
        async def client():
            for i in todo: results.append(await one(i))
        t0 = time.perf_counter()
        await asyncio.gather(*[client() for _ in range(clients)])
        wall = time.perf_counter() - t0
    ok = [(dt, r) for dt, r in results if r is not None]
    lat = [dt for dt, _ in ok]
    return {'clients': clients, 'requests': len(results), 'errors': len(results) - len(ok), 'seconds': wall,
            'rps': len(ok) / wall if wall else None,
            'p50_ms': 1000 * percentile(lat, 50) if lat else None, 'p99_ms': 1000 * percentile(lat, 99) if lat else None,
            'batch': statistics.mean(r['fg_tuner']['batch_size'] for _, r in ok) if ok else None,
            'calls': sum(r['choices'][0]['finish_reason'] == 'tool_calls' for _, r in ok) / len(ok) if ok else None,
            'completion_tokens': statistics.mean(r['usage']['completion_tokens'] for _, r in ok) if ok else None}

def table(rows, health) -> str:
    f = lambda v, p=1: 'n/a' if v is None else f'{v:,.{p}f}'
    lines = [f"Server: `{health.get('model')}` ({health.get('backend')}), max batch {health.get('max_batch')}, "
             f"max new tokens {health.get('max_new_tokens')}, tool_choice by {health.get('tool_choice_enforcement')}.", '',
             '| clients | requests | errors | requests/s | p50 latency (ms) | p99 latency (ms) | mean batch | tool calls | completion tokens |',
             '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
    for r in rows:
        calls = 'n/a' if r['calls'] is None else f"{100 * r['calls']:.0f}%"
        lines.append(f"| {r['clients']} | {r['requests']} | {r['errors']} | {f(r['rps'], 2)} | {f(r['p50_ms'], 0)} | {f(r['p99_ms'], 0)} | "
                     f"{f(r['batch'])} | {calls} | {f(r['completion_tokens'])} |")
    return '\n'.join(lines)

def free_port() -> int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def start_server(a) -> tuple:
    "Start `fg-tuner serve` for `--model` on a free port; `(process, url)` once it answers /health."
    port = free_port()
    cmd = [sys.executable, '-c', 'import sys; from fg_tuner.cli import main; sys.exit(main(sys.argv[1:]))', 'serve', '--model', a.model,
           '--port', str(port), '--max-new-tokens', str(a.max_new_tokens), '--max-batch', str(a.max_batch), '--batch-wait-ms', str(a.batch_wait_ms)]
    if a.tools: cmd += ['--tools', a.tools]
    cmd += a.serve_arg
    proc = subprocess.Popen(cmd)
    url = f'http://127.0.0.1:{port}'
    deadline = time.monotonic() + a.start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None: raise SystemExit(f'fg-tuner serve exited with {proc.returncode}')
        try:
            if httpx.get(url + '/health', timeout=2).status_code == 200: return proc, url
        except httpx.TransportError: pass
        time.sleep(0.5)
    proc.kill(); raise SystemExit(f'fg-tuner serve did not answer within {a.start_timeout} s')

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--url', default=None, help='a running server (e.g. http://127.0.0.1:8000)')
    ap.add_argument('--model', default=None, help='start `fg-tuner serve --model MODEL` instead (run, adapter, merged model or .gguf)')
    ap.add_argument('--tools', default=None, help='with --model: the tools file (default: found next to the model)')
    ap.add_argument('--max-new-tokens', type=int, default=128, help='with --model')
    ap.add_argument('--max-batch', type=int, default=64, help='with --model')
    ap.add_argument('--batch-wait-ms', type=float, default=5.0, help='with --model')
    ap.add_argument('--serve-arg', action='append', default=[], help='with --model: one more argument for fg-tuner serve (repeatable)')
    ap.add_argument('--start-timeout', type=float, default=600)
    ap.add_argument('--clients', default='1,8,64', help='concurrency levels, comma separated')
    ap.add_argument('--requests', type=int, default=256, help='timed requests per level')
    ap.add_argument('--data', default=None, help='test.jsonl whose user_content are sent (default: the run\'s, else HR samples)')
    ap.add_argument('--out', default=None, help='also write the table (and the command) to this markdown file')
    a = ap.parse_args(argv)
    if bool(a.url) == bool(a.model): ap.error('give --url (a running server) or --model (start one)')
    data = a.data
    if data is None and a.model:
        from fg_tuner.runs import find_run_file, model_kind
        data = find_run_file(model_kind(a.model)[1], 'test.jsonl')
    texts = sample_requests(data)
    proc, url = start_server(a) if a.model else (None, a.url.rstrip('/'))
    try:
        health = httpx.get(url + '/health', timeout=30).json()
        tools = None
        if not health.get('tools'):   # a server without tools of its own answers every request in text: send the data's declarations
            tools = data_tools(data)
            if not tools: raise SystemExit('the server has no tools and the requests would carry none: give --tools, or --data '
                                           "with prompts that declare them (a test.jsonl written by fg-tuner convert)")
            print(f"the server has no tools of its own: every request carries the {len(tools)} declared in {data}'s prompts", file=sys.stderr)
        rows = []
        for c in [int(x) for x in a.clients.split(',') if x.strip()]:
            rows.append(asyncio.run(run_level(url, c, max(a.requests, c), texts, health.get('model'), tools=tools)))
            print(f"clients {c}: {rows[-1]['rps']:.2f} requests/s", file=sys.stderr, flush=True)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGINT)
            try: proc.wait(60)
            except subprocess.TimeoutExpired: proc.kill()
    out = table(rows, health)
    cmd = 'python benchmarks/bench_serve.py ' + ' '.join(sys.argv[1:] if argv is None else argv)
    machine = f"client machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    sent = f" Each carried the {len(tools)} tool declarations of the data's prompts." if tools else ''
    report = f"{out}\n\nRequests: {data or 'HR sample requests'} ({len(texts)} distinct).{sent} {machine}.\nCommand: `{cmd}`\n"
    print(report)
    if a.out: Path(a.out).write_text(f'# Serving benchmark\n\n{report}', encoding='utf-8')
    return rows

if __name__ == '__main__':
    main()
