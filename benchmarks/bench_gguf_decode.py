"""Where a llama.cpp answer's time goes on a CPU, and what two ways of taking fewer decoding steps would give.

    python benchmarks/bench_gguf_decode.py --gguf RUN/export/fg-router-q8_0.gguf --data TEST.jsonl [--requests 16] [--threads 2]

Measured, one request at a time after a warm-up request (the shared tool prefix stays in llama.cpp's cache):
- the cost of one decoding step (one token evaluated, its logits computed), and of a batch of 4 tokens with the
  logits of every position (what verifying 3 drafted tokens costs);
- the share of the reference answers' tokens that the constraint forces (`LLMatcher.compute_ff_tokens` after each
  token: the grammar allows exactly one continuation, so the model's choice is known without running it);
- prompt-lookup drafting: after each chosen token, up to K tokens that followed the same last 1-3 tokens in the
  request are evaluated in the same step and kept while each equals the model's greedy choice. Seconds per request,
  steps per answer token, and how many answers equal `GGUFGenerator`'s (plain greedy, one token a step);
- constrained decoding (`GGUFGenerator`, the default) one token a step (`fast_forward=False`) and with the forced
  tokens fed in the step of the token before them (`fast_forward=True`): seconds per request, steps per answer
  token, and how many fast-forward answers equal the one-token-a-step ones.
This reaches into llama-cpp-python's internals (`_batch`, `_ctx`); it is a measurement, not a decoding path of the
package.
"""
import argparse, gc, json, statistics, sys, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_gguf_quant import timed_requests   # the same timed loop for every decoding way

def lookup(out:list, src:list, k:int) -> list:
    "Up to `k` tokens that followed the last 3, 2 or 1 tokens of `out` in `src` (its latest occurrence)."
    for n in (3, 2, 1):
        if len(out) < n: continue
        key = out[-n:]
        for j in range(len(src) - n, -1, -1):
            if src[j:j + n] == key: return src[j + n:j + n + k]
    return []

class Drafting:
    "Greedy decoding with prompt-lookup drafts on a `GGUFGenerator`'s `Llama`."
    def __init__(self, g, k:int):
        import llama_cpp
        self.g, self.llm, self.k, self.lc = g, g.llm, k, llama_cpp
        self.V = self.llm.n_vocab()

    def logits(self, i:int) -> np.ndarray:
        return np.ctypeslib.as_array(self.lc.llama_get_logits_ith(self.llm._ctx.ctx, i), shape=(self.V,))

    def feed(self, tokens:list, every:bool):
        llm = self.llm
        llm._ctx.kv_cache_seq_rm(-1, llm.n_tokens, -1)
        for i in range(0, len(tokens), llm.n_batch):
            b = tokens[i:i + llm.n_batch]
            llm._batch.set_batch(batch=b, n_past=llm.n_tokens, logits_all=every)
            llm._ctx.decode(llm._batch)
            llm.input_ids[llm.n_tokens:llm.n_tokens + len(b)] = b
            llm.n_tokens += len(b)

    def answer(self, prompt:str, user_tokens:int=60) -> tuple:
        llm, stop, budget = self.llm, self.g.stop_ids, self.g.max_new_tokens
        toks = llm.tokenize(prompt.encode('utf-8'), add_bos=False, special=True)
        self.g._eval_prompt(toks)   # after the cached prefix, as the generator does
        src = toks[-user_tokens:-5]   # the request (the prompt ends with its user turn and the model-turn opener)
        out, steps, last = [], 0, self.logits(-1).copy()
        while len(out) < budget:
            t = int(np.argmax(last))
            if t in stop: break
            out.append(t)
            draft = lookup(out, src, self.k)
            self.feed([t] + draft, True); steps += 1
            ok = 0
            for i, d in enumerate(draft):
                if len(out) >= budget or int(np.argmax(self.logits(i))) != d or d in stop: break
                out.append(d); ok += 1
            llm.n_tokens -= len(draft) - ok
            last = self.logits(ok).copy()
        return llm.detokenize(out, special=True).decode('utf-8', errors='replace'), steps, len(out)

def forced_share(rows:list, llm) -> tuple:
    "(forced, total): reference-answer tokens the constraint forces, of all answer tokens."
    from fg_tuner.constrain import ToolConstraint
    forced = total = 0
    for r in rows:
        c = ToolConstraint.for_prompt(r['prompt'], llm)
        ids, i = llm.tokenize(r['completion'].encode('utf-8'), add_bos=False, special=True), 0
        while i < len(ids) and not c.done:
            c.advance(ids[i]); i += 1; total += 1
            ff, j = c.matcher.compute_ff_tokens(), 0
            while j < len(ff) and i + j < len(ids) and ids[i + j] == ff[j]: j += 1
            for t in ids[i:i + j]: c.advance(t)
            i += j; total += j; forced += j
    return forced, total

def step_cost(d:Drafting, prompt:str, reps:int=10) -> tuple:
    "(ms for one token, ms for 4 tokens with every position's logits) at the prompt's context length."
    llm = d.llm
    toks = llm.tokenize(prompt.encode('utf-8'), add_bos=False, special=True)
    llm.n_tokens = 0; d.feed(toks, False); n0 = llm.n_tokens
    t0 = time.perf_counter()
    for _ in range(reps): llm.n_tokens = n0; d.feed([toks[-1]], False)
    one = (time.perf_counter() - t0) / reps
    t0 = time.perf_counter()
    for _ in range(reps): llm.n_tokens = n0; d.feed(toks[-4:], True)
    four = (time.perf_counter() - t0) / reps
    llm.n_tokens = 0
    return 1000 * one, 1000 * four

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--gguf', required=True); ap.add_argument('--data', required=True, help='a converted test.jsonl (prompt, completion)')
    ap.add_argument('--requests', type=int, default=16); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--draft', type=int, default=3, help='K: drafted tokens per step'); ap.add_argument('--out')
    a = ap.parse_args(argv)
    from fg_tuner.generate import GGUFGenerator, cut_at_stop
    import llama_cpp
    rows = [json.loads(l) for l in Path(a.data).read_text(encoding='utf-8').splitlines() if l.strip()][:a.requests + 1]
    g = GGUFGenerator(a.gguf, n_threads=a.threads, max_new_tokens=128, constrain=False)
    d = Drafting(g, a.draft)
    one, four = step_cost(d, rows[0]['prompt'])
    forced, total = forced_share(rows[1:], g.llm)
    prompt_tokens = len(g.llm.tokenize(rows[1]['prompt'].encode('utf-8'), add_bos=False, special=True))
    ref, t_ref, _, _ = timed_requests(g, rows)
    drafted, t_dr, steps, toks = [], [], 0, 0
    for r in rows[1:]:
        t0 = time.perf_counter(); text, s, n = d.answer(r['prompt']); t_dr.append(time.perf_counter() - t0)
        drafted.append(cut_at_stop(text)); steps += s; toks += n
    same = sum(x == y for x, y in zip(ref, drafted))
    n = len(ref)
    del d, g; gc.collect()   # one `Llama` at a time (a first run, with the unconstrained one still loaded, gave the one-token-a-step rows 3.03 s a request; the next, without it, 1.94 s)
    con = {}
    for ff in (False, True):
        cg = GGUFGenerator(a.gguf, n_threads=a.threads, max_new_tokens=128, constrain=True, fast_forward=ff)
        con[ff] = timed_requests(cg, rows)
        del cg; gc.collect()
    ff_same = sum(x == y for x, y in zip(con[False][0], con[True][0]))
    L = [f'<!-- python benchmarks/bench_gguf_decode.py {" ".join(argv if argv is not None else sys.argv[1:])} -->',
         f"{time.strftime('%Y-%m-%d')}; llama-cpp-python {llama_cpp.__version__}, {a.threads} threads; {Path(a.gguf).name}; "
         f"{n} requests after a warm-up one, prompts of {prompt_tokens} tokens (first).", '',
         '| measure | value |', '| --- | --- |',
         f'| one decoding step (1 token, its logits) | {one:.1f} ms |',
         f'| 4 tokens in one step, logits at every position | {four:.1f} ms |',
         f'| answer tokens the constraint forces | {forced} of {total} ({100 * forced / max(total, 1):.1f}%) |',
         f'| plain greedy (`GGUFGenerator`), s per request | mean {statistics.mean(t_ref):.3f}, p50 {statistics.median(t_ref):.3f} |',
         f'| prompt-lookup drafting (K={a.draft}), s per request | mean {statistics.mean(t_dr):.3f}, p50 {statistics.median(t_dr):.3f} |',
         f'| drafting: steps per answer token | {steps / max(toks, 1):.2f} ({steps} steps, {toks} tokens) |',
         f'| drafting: answers equal to plain greedy | {same} of {n} |']
    for ff in (False, True):
        outs, secs, steps_c, toks_c = con[ff]
        name = 'constrained, fast forward (the default)' if ff else 'constrained, one token a step'
        L += [f'| {name}: s per request | mean {statistics.mean(secs):.3f}, p50 {statistics.median(secs):.3f} |',
              f'| {name}: steps per answer token | {steps_c / max(toks_c, 1):.2f} ({steps_c} steps, {toks_c} tokens) |']
    L += [f'| fast-forward answers equal to one-token-a-step ones | {ff_same} of {n} |', '']
    text = '\n'.join(L)
    print(text)
    if a.out: Path(a.out).write_text(text, encoding='utf-8')

if __name__ == '__main__': main()
