#!/usr/bin/env python
"""Benchmark `fg_tuner.constrain`: what constrained decoding costs per token; prints Markdown tables.

    python benchmarks/bench_constrain.py                          # CPU, 1 thread: tiny + 270M stand-in, HF + llama.cpp
    python benchmarks/bench_constrain.py --models standin --device cuda --batch 1,16,64 --threads 8 --no-gguf

Three tables:

1. setup: building the llguidance view of the tokenizer (once per tokenizer), compiling the grammar of a tool
   set (once per tool set), one row's constraint (a copy of the compiled matcher);
2. mask cost on real answers: a constraint replays training-format completions of the CRM tools (every tool
   with arguments drawn from its schema, plus the refusal), timing the mask of each token and its
   application to a 262,144-wide score vector (numpy, as on the CPU path);
3. generation: greedy `generate` per-token time without and with the logits processor, same prompts,
   tool_choice `auto` and `required`. Per token = (time for N new tokens - time for 1) / (steps - 1), so the
   prompt's prefill cancels out; best of `--repeat` interleaved runs; `difference` = constrained / unconstrained - 1.
   Because that difference of two timings is noisy on a shared machine, the processor's own time per call
   is measured too (`processor ms/token`, best run) and set against the unconstrained time per token.
   The processors get eval's budget (128 tokens) while N (32) tokens are generated, as in an evaluation
   whose ~25-token answers never reach the budget's closing window.
   With --gguf the same for llama.cpp (`Llama.generate` with and without `llama_logits_processor`).

`--router-batch N` instead times the constraint's CPU work per decoding step for one batch of N HR-sheet rows
(`bench_generate.hr_prompts`) whose model choice is always the right answer, as a trained router's mostly is:
`ToolLogitsProcessor.choose` (check each row's own choice, mask only refused rows; what `decode_shared` does) against
`compute` (a mask for every row still answering, the previous way). No model runs: the choices are given, so the
argmax that a GPU computes is not part of the figures.

Issue 14's target: constrained decoding costs <= 10% of unconstrained time per token.
"""
import argparse, os, platform, random, statistics, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def crm_tools():
    from fg_tuner.schema import load_tools
    return load_tools(ROOT/'data/raw/crm_tools.yaml')

def answers(tools, n_per_tool=3, seed=0):
    "Training-format completions: each tool with schema-drawn arguments, plus the refusal."
    from fg_tuner.formatter import format_example
    rng = random.Random(seed)
    def value(s):
        if 'enum' in s: return rng.choice(s['enum'])
        t = s.get('type')
        if t == 'integer': return rng.randint(1, 500)
        if t == 'number': return round(rng.uniform(1, 1e5), 2)
        if t == 'boolean': return rng.random() < 0.5
        if t == 'array': return [value(s.get('items', {'type': 'string'})) for _ in range(rng.randint(1, 3))]
        if t == 'object': return args(s) if 'properties' in s else {'k': 1}
        return rng.choice(['Alice Wang', 'Acme Corp, Shanghai office', 'follow up on the Q3 renewal', '2026-03-14'])
    def args(s): return {k: value(v) for k, v in s.get('properties', {}).items() if k in s.get('required', []) or rng.random() < 0.6}
    out = [format_example(tools, 'hi', [{'name': t.name, 'arguments': args(t.parameters)}])['completion'] for t in tools for _ in range(n_per_tool)]
    return out + [format_example(tools, 'hi', [])['completion']]

def setup_costs(tok, tools):
    import numpy as np
    from fg_tuner import constrain as C
    from fg_tuner.formatter import format_prompt
    C._TOKENIZERS.pop(tok, None)
    t0 = time.perf_counter(); llt = C.guidance_tokenizer(tok); t_tok = time.perf_counter() - t0
    C._token_rank(llt)
    C._matcher.cache_clear(); C._prompt_grammar.cache_clear()
    prompt = format_prompt(tools, 'hi')
    t0 = time.perf_counter(); C.ToolConstraint.for_prompt(prompt, tok); t_grammar = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(100): C.ToolConstraint.for_prompt(prompt, tok)
    t_row = (time.perf_counter() - t0) / 100
    # masks along real answers
    masks, applies, n = [], [], 0
    scores = np.random.default_rng(0).standard_normal(len(tok)).astype(np.float32)
    for _ in range(3):
        for a in answers(tools):
            c = C.ToolConstraint.for_prompt(prompt, tok)
            words = np.zeros((c.n_vocab + 31) // 32, dtype=np.int32)
            for t in tok.encode(a, add_special_tokens=False):
                t0 = time.perf_counter(); c.fill_mask(words); t1 = time.perf_counter()
                bits = np.unpackbits(words.view(np.uint8), bitorder='little')[:len(scores)]
                np.copyto(scores, -np.inf, where=bits == 0); t2 = time.perf_counter()
                masks.append(t1 - t0); applies.append(t2 - t1)
                c.advance(t)
    ms = lambda xs: 1e3 * statistics.mean(xs)
    p = lambda xs, q: 1e3 * sorted(xs)[int(q * (len(xs) - 1))]
    return {'tokenizer_s': t_tok, 'grammar_ms': 1e3 * t_grammar, 'row_us': 1e6 * t_row, 'tokens': len(masks),
            'mask_ms': ms(masks), 'mask_p50': p(masks, 0.5), 'mask_p99': p(masks, 0.99), 'mask_max': 1e3 * max(masks),
            'apply_ms': ms(applies)}

class Timed:
    "Wraps a logits processor and adds up the time spent in it."
    def __init__(self, p): self.p, self.seconds, self.calls = p, 0.0, 0
    def __call__(self, *a):
        t0 = time.perf_counter(); out = self.p(*a)
        self.seconds += time.perf_counter() - t0; self.calls += 1
        return out

def interleaved(once, repeat):
    "Best per-token ms without and with the constraint, runs interleaved; and the processor's own ms per call."
    best, proc = {False: None, True: None}, []
    for _ in range(repeat):
        for constrained in (False, True):
            per, p = once(constrained)
            best[constrained] = per if best[constrained] is None else min(best[constrained], per)
            if p is not None and p.calls: proc.append(p.seconds / p.calls)
    return 1e3 * best[False], 1e3 * best[True], 1e3 * min(proc)

def hf_generation(model, tok, prompts, choice, new_tokens, batch, repeat, threads, device):
    import torch
    from fg_tuner.constrain import make_logits_processor
    from fg_tuner.models import stop_token_ids
    tok.padding_side = 'left'
    rows = (prompts * batch)[:batch]
    enc = tok(rows, return_tensors='pt', padding=True, add_special_tokens=False).to(device)
    def gen(n, constrained):
        p = Timed(make_logits_processor(rows, tok, choice, max_new_tokens=128, threads=threads)) if constrained else None
        if device == 'cuda': torch.cuda.synchronize()
        t0 = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(**enc, max_new_tokens=n, do_sample=False, logits_processor=[p] if p else None,
                                 eos_token_id=stop_token_ids(tok), pad_token_id=tok.pad_token_id)
        if device == 'cuda': torch.cuda.synchronize()
        return time.perf_counter() - t0, out.shape[1] - enc['input_ids'].shape[1], p
    def once(constrained):
        t1, _, _ = gen(1, constrained)
        tn, steps, p = gen(new_tokens, constrained)
        return (tn - t1) / max(1, steps - 1), p
    gen(2, False); gen(2, True)   # warm-up
    return interleaved(once, repeat)

def gguf_generation(path, prompts, choice, new_tokens, repeat, threads, ids):
    from llama_cpp import Llama
    from fg_tuner.constrain import llama_logits_processor
    llm = Llama(str(path), n_ctx=4096, n_threads=threads, verbose=False)
    stops = {llm.token_eos(), ids['<end_of_turn>'], ids['<start_function_response>']}
    def once(constrained):
        pers, p = [], None
        for prompt in prompts:
            toks = llm.tokenize(prompt.encode(), add_bos=False, special=True)
            p = Timed(llama_logits_processor(llm, prompt, choice, max_new_tokens=128, ids=ids)) if constrained else None
            out, t_first = [], None
            for t in llm.generate(toks, top_k=1, top_p=1.0, min_p=0.0, temp=0.0, repeat_penalty=1.0, logits_processor=[p] if p else None):
                if t_first is None: t_first = time.perf_counter()
                out.append(t)
                if t in stops or len(out) >= new_tokens: break
            pers.append((time.perf_counter() - t_first) / max(1, len(out) - 1))
        return statistics.mean(pers), p
    once(False); once(True)
    return interleaved(once, repeat)

def compare_libraries(tok, tools, gguf, threads):
    """The alternatives considered (when installed): xgrammar on the same grammar (without the regex negation it lacks),
    outlines-core's index for one small tool's regex, llama.cpp's GBNF sampler on free text. Returns table rows."""
    import numpy as np
    from fg_tuner.constrain import call_grammar, _hf_pieces
    from fg_tuner.formatter import format_prompt
    rows, texts = [], answers(tools)
    try:
        import xgrammar as xgr
        t0 = time.perf_counter(); info = xgr.TokenizerInfo.from_huggingface(tok, vocab_size=len(tok)); t_info = time.perf_counter() - t0
        g = '\n'.join('SEG: /[^<]+/' if l.startswith('SEG:') else l for l in call_grammar(tools).splitlines())
        t0 = time.perf_counter(); cg = xgr.GrammarCompiler(info, max_threads=1).compile_grammar(xgr.Grammar.from_lark(g, tokenizer_info=info))
        t_comp, bm, ts = time.perf_counter() - t0, xgr.allocate_token_bitmask(1, info.vocab_size), []
        for a in texts:
            m = xgr.GrammarMatcher(cg)
            for t in tok.encode(a, add_special_tokens=False):
                t0 = time.perf_counter(); m.fill_next_token_bitmask(bm); ts.append(time.perf_counter() - t0); m.accept_token(t)
        rows.append(f'| xgrammar | {t_info:.2f} s | {1e3 * t_comp:.0f} ms | {1e3 * statistics.mean(ts):.3f} ms |')
    except ImportError: rows.append('| xgrammar | not installed | | |')
    try:
        import outlines_core as oc
        pieces, special = _hf_pieces(tok)
        keep, voc = {48, 49, 50, 52, 106}, {}
        for i, p in enumerate(pieces):
            if (i not in special or i in keep) and i != tok.eos_token_id: voc.setdefault(p, []).append(i)
        V = oc.Vocabulary(tok.eos_token_id, voc)
        rx = r'<start_function_call>call:get_weather\{city:<escape>[^<]*<escape>(,unit:<escape>(celsius|fahrenheit)<escape>)?\}<end_function_call><start_function_response>'
        t0 = time.perf_counter(); oc.Index(rx, V)
        rows.append(f'| outlines-core (one 2-key tool, regex) | | {time.perf_counter() - t0:.1f} s (index) | |')
    except ImportError: rows.append('| outlines-core | not installed | | |')
    if gguf:
        from llama_cpp import Llama, LlamaGrammar
        llm = Llama(str(gguf), n_ctx=1024, n_threads=threads, verbose=False)
        toks = llm.tokenize(b'<start_of_turn>user\nWrite a story about Paris<end_of_turn>\n<start_of_turn>model\n', add_bos=True, special=True)
        def per_token(**kw):
            out, t0 = [], None
            for t in llm.generate(toks, top_k=1, top_p=1.0, min_p=0.0, temp=0.0, repeat_penalty=1.0, **kw):
                t0 = t0 or time.perf_counter(); out.append(t)
                if len(out) >= 33: break
            return 1e3 * (time.perf_counter() - t0) / (len(out) - 1)
        plain = min(per_token() for _ in range(2))
        gbnf = min(per_token(grammar=LlamaGrammar.from_string('root ::= [^<]*')) for _ in range(2))
        rows.append(f'| llama.cpp GBNF (`root ::= [^<]*`, {Path(gguf).name}) | | | {gbnf - plain:.1f} ms over {plain:.1f} ms unconstrained |')
    return rows

class _Chosen:
    "Scores whose argmax is given (the GPU's work in real decoding); everything else goes to the real tensor."
    def __init__(self, scores, best): self.s, self.best, self.device, self.shape, self.dtype = scores, best, scores.device, scores.shape, scores.dtype
    def argmax(self, dim): return self.best
    def __getitem__(self, k): return self.s[k]
    def __setitem__(self, k, v): self.s[k] = v
    def numpy(self): return self.s.numpy()
    def is_contiguous(self): return True

def router_steps(batch:int, budget:int=128, threads:int|None=None) -> list:
    "Per-step CPU ms of the constraint on `batch` HR rows answering right: `choose` (+ feeding the tokens) vs masking every row."
    import sys, torch
    sys.path.insert(0, str(ROOT/'benchmarks'))
    from bench_generate import hr_prompts
    from fg_tuner.constrain import ToolConstraint, ToolLogitsProcessor
    from fg_tuner.dataset import convert
    from fg_tuner.models import load_tokenizer
    tok = load_tokenizer('tiny')
    conv = convert(ROOT/'data/raw/hr_routing.xlsx', data={'distractors': 0, 'shuffle_tools': False})
    answer = {r['prompt']: r['completion'] for r in conv.train + conv.test}
    prompts = hr_prompts(batch)
    gold = [tok.encode(answer[p], add_special_tokens=False) for p in prompts]
    out = []
    for mode in ('choose', 'mask every row'):
        proc = ToolLogitsProcessor([ToolConstraint.for_prompt(p, tok, 'auto') for p in prompts], max_new_tokens=budget, threads=threads)
        scores, crit, fed, steps = torch.zeros(batch, len(tok)), 0.0, 0.0, 0
        for t in range(budget):
            if all(c.done for c in proc.constraints): break
            best = [g[t] if t < len(g) else 0 for g in gold]
            t0 = time.perf_counter()
            if mode == 'choose': _, toks = proc.choose(_Chosen(scores, torch.tensor(best)), budget - t)
            else:
                rows = proc.compute()
                toks = [best[i] for i in range(batch)]   # masks computed; applying them is the device's work
            t1 = time.perf_counter(); proc.advance(toks); t2 = time.perf_counter()
            crit, fed, steps = crit + t1 - t0, fed + t2 - t1, steps + 1
        out.append({'mode': mode, 'steps': steps, 'step_ms': 1000 * crit / steps, 'feed_ms': 1000 * fed / steps})
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--models', default='tiny,standin', help='comma-separated: tiny, standin or model folders')
    ap.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    ap.add_argument('--threads', type=int, default=1, help='torch / llama.cpp / mask threads')
    ap.add_argument('--batch', default='1', help='comma-separated batch sizes for transformers')
    ap.add_argument('--prompts', type=int, default=3)
    ap.add_argument('--new-tokens', type=int, default=32)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--gguf', default='standin', help="a .gguf file, 'standin' (the PyPI Gemma 3 270M Q4_K_M) or ''")
    ap.add_argument('--no-gguf', dest='gguf', action='store_const', const='')
    ap.add_argument('--router-batch', type=int, default=0, help='only the per-step constraint work for a batch of this many HR rows answering right')
    ap.add_argument('--libraries', action='store_true', help='also time the alternatives considered (xgrammar, outlines-core if installed; GBNF)')
    a = ap.parse_args()
    os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
    if a.router_batch:
        print(f'## Constraint work per decoding step: {a.router_batch} HR rows that answer right\n\n{platform.processor() or platform.machine()}, '
              f'mask threads {a.threads}; budget 128 tokens. *choice* is on the critical path of a step (before the next step can start), '
              '*feeding* the chosen tokens runs while the GPU computes the next step.\n')
        print('| method | steps | choice ms/step | feeding ms/step |\n| --- | ---: | ---: | ---: |')
        for r in router_steps(a.router_batch, threads=a.threads if a.threads > 1 else None):
            print(f"| {r['mode']} | {r['steps']} | {r['step_ms']:.1f} | {r['feed_ms']:.1f} |", flush=True)
        return
    import torch
    torch.set_num_threads(a.threads)
    from fg_tuner.constrain import DEFAULT_TOKEN_IDS
    from fg_tuner.formatter import format_prompt
    from fg_tuner.models import load_model, load_tokenizer, standin_gguf
    tools = crm_tools()
    reqs = ['Find Alice Wang at Acme in Shanghai', 'New lead: Bob Li from Initech, bob@initech.com, met at an event',
            'What is the weather in Paris?', 'Log a call with Carol about the renewal', 'Sales report for this quarter by region']
    prompts = [format_prompt(tools[:3], r) for r in reqs[:a.prompts]]
    print(f'# Constrained decoding cost\n\n{platform.processor() or platform.machine()}, {a.device}, '
          f'{a.threads} thread(s), torch {torch.__version__}; prompts: {a.prompts} CRM requests with 3 declared tools; '
          f'{a.new_tokens} new tokens; best of {a.repeat}.\n')
    tok = load_tokenizer('tiny')
    s = setup_costs(tok, tools)
    print('## Setup and mask cost (CRM tools: 6 tools, nested objects, enums, arrays)\n')
    print('| llguidance tokenizer (once) | grammar compile (per tool set) | constraint per row | mask per token: mean / p50 / p99 / max | applying it (numpy) | tokens |')
    print('| --- | --- | --- | --- | --- | --- |')
    print(f"| {s['tokenizer_s']:.2f} s | {s['grammar_ms']:.1f} ms | {s['row_us']:.0f} us | {s['mask_ms']:.3f} / {s['mask_p50']:.3f} / "
          f"{s['mask_p99']:.3f} / {s['mask_max']:.2f} ms | {s['apply_ms']:.3f} ms | {s['tokens']} |\n", flush=True)
    if a.libraries:
        print('## Alternatives considered (same tools and answers; mask per token)\n')
        print('| library | tokenizer view | grammar build | mask per token |\n| --- | --- | --- | --- |')
        print('\n'.join(compare_libraries(tok, tools, (standin_gguf() if a.gguf == 'standin' else a.gguf) if a.gguf else None, a.threads)) + '\n', flush=True)
    print('## Generation\n')
    print('| model | backend | tool_choice | batch | unconstrained ms/token | constrained ms/token | difference | processor ms/token | processor / unconstrained |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for name in a.models.split(','):
        model = load_model(name).eval().to(a.device)
        tok_m = load_tokenizer(name)
        for b in map(int, a.batch.split(',')):
            for choice in ('auto', 'required'):
                u, c, p = hf_generation(model, tok_m, prompts, choice, a.new_tokens, b, a.repeat, a.threads if b > 1 else None, a.device)
                print(f'| {name} | transformers ({a.device}) | {choice} | {b} | {u:.2f} | {c:.2f} | {100 * (c / u - 1):+.1f}% | {p:.3f} | {100 * p / u:.1f}% |', flush=True)
        del model
    if a.gguf:
        path = standin_gguf() if a.gguf == 'standin' else Path(a.gguf)
        for choice in ('auto', 'required'):
            u, c, p = gguf_generation(path, prompts, choice, a.new_tokens, a.repeat, a.threads, DEFAULT_TOKEN_IDS)
            print(f'| {path.name} | llama.cpp (cpu) | {choice} | 1 | {u:.2f} | {c:.2f} | {100 * (c / u - 1):+.1f}% | {p:.3f} | {100 * p / u:.1f}% |', flush=True)
    print('\nNoise: on a shared machine timings of single runs vary by 10-30%; `processor / unconstrained` is the stable figure.')

if __name__ == '__main__': main()
