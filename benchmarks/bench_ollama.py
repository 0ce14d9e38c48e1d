"""Train/serve drift when a router is served by Ollama (and vLLM's parser), measured on a trained run.

    python benchmarks/bench_ollama.py --run outputs/hr_routing [--limit 200] [--threads 2] [--out benchmarks/ollama.md]

Exports a q8_0 GGUF of the run (fg_tuner.export; or reuses --gguf), renders every test row twice -- the
prompt fg_tuner trains on (the `prompt` column, what the exported Modelfile's TEMPLATE renders) and the prompt
Ollama's `RENDERER functiongemma` builds for the same tools and request (test-side port in
benchmarks/ollama_port.py) -- generates greedily with llama.cpp (fg_tuner.generate.GGUFGenerator, unconstrained: Ollama and vLLM do not
constrain decoding) and scores
each serving path: which prompt, and which parser turns the output into tool calls. Writes a markdown table.
"""
import argparse, json, platform, sys, tempfile, time
from pathlib import Path
from fg_tuner.dataset import GENERIC_TOOLS
from fg_tuner.errors import DataError
from fg_tuner.evaluate import compute_metrics, expected_calls, read_test_set
from fg_tuner.export import export
from fg_tuner.generate import GGUFGenerator
from fg_tuner.runs import RunFolder
from fg_tuner.formatter import format_prompt, parse_calls_safe
from fg_tuner.schema import load_tools, parse_tools, tools_to_dicts
from ollama_port import GoPanic, ollama_client_calls, ollama_parse, ollama_render, strip_control_tokens, vllm_parse

def _tool_lookup(rf: RunFolder, tools: Path) -> dict:
    "Declarations by name: the run's tools, its distractor file if any, and the converter's generic distractors."
    extra = rf.section('data').get('distractor_tools')
    found = {}
    for src in ([load_tools(extra)] if extra and Path(extra).is_file() else []) + [parse_tools(GENERIC_TOOLS), load_tools(tools)]:
        found.update({t.name: t for t in src})
    return found

def ollama_rows(rows: list, lookup: dict, run_tools: list, developer, style: str = 'functiongemma') -> list:
    """Each row with `ollama_prompt`; checks first that the row's own prompt is reproduced from the looked-up tools in the
    run's prompt style (`model.chat_template`: for an `ollama` run the two prompts are the same, which is its point)."""
    out = []
    for i, r in enumerate(rows, 1):
        names = r.get('tools') or [t.name for t in run_tools]
        missing = [n for n in names if n not in lookup]
        if missing: raise DataError(f'test row {i}: tool {missing[0]!r} is not in the run\'s tools.json nor a known distractor')
        decl = [lookup[n] for n in names]
        if format_prompt(decl, r['user_content'], developer=developer, style=style) != r['prompt']:
            raise DataError(f'test row {i}: its prompt is not format_prompt(tools, user_content, style={style!r}) (another developer prompt or tool set?)')
        msgs = ([{'role': 'system', 'content': developer}] if developer is not None else []) + [{'role': 'user', 'content': r['user_content']}]
        out.append(r | {'ollama_prompt': ollama_render(tools_to_dicts(decl), msgs)})
    return out

def _ours(text): return parse_calls_safe(text)

def _vllm(text): return vllm_parse(text)[1], None

def _ollama(text):
    try: return ollama_client_calls([c for c in ollama_parse(text)[1]]), None
    except GoPanic as e: return [], f'Ollama server panic: {e}'
    except ValueError as e: return [], f'Ollama response error: {e}'

PATHS = [  # (label, prompt, parser, what serves it)
    ('fg_tuner prompt + fg_tuner parser', 'ours', _ours,
     'reference: `fg-tuner eval --no-constrain` on the GGUF; Modelfile TEMPLATE, parsed client-side with fg_tuner.formatter.parse_calls'),
    ('fg_tuner prompt + Ollama parser', 'ours', _ollama,
     'exported Modelfile (TEMPLATE + PARSER functiongemma) on Ollama 0.13.5-0.29, or on >= 0.30 with function tokens exposed'),
    ('fg_tuner prompt + Ollama parser, control tokens hidden', 'ours', lambda t: _ollama(strip_control_tokens(t)),
     'the same Modelfile on Ollama >= 0.30 (llama-server) with a GGUF whose function tokens are control tokens'),
    ('Ollama renderer + fg_tuner parser', 'ollama', _ours,
     'prompt drift alone: `RENDERER functiongemma`, output parsed client-side'),
    ('Ollama renderer + Ollama parser', 'ollama', _ollama,
     '`RENDERER functiongemma` + `PARSER functiongemma` (Ollama 0.13.5-0.29, or exposed tokens)'),
    ('Ollama renderer + Ollama parser, control tokens hidden', 'ollama', lambda t: _ollama(strip_control_tokens(t)),
     '`RENDERER functiongemma` + `PARSER functiongemma` on Ollama >= 0.30 with a plain GGUF'),
    ('fg_tuner prompt + vLLM parser', 'ours', _vllm,
     '`vllm serve --chat-template (ours) --tool-call-parser functiongemma`'),
]

def score_path(rows: list, outputs: list, parse) -> dict:
    scored = []
    for r, o in zip(rows, outputs):
        calls, err = parse(o)
        scored.append({'expected': expected_calls(r), 'predicted': calls, 'error': err})
    return compute_metrics(scored)

PARSERS = [('fg_tuner parser', _ours), ('Ollama parser', _ollama),
           ('Ollama parser, control tokens hidden', lambda t: _ollama(strip_control_tokens(t))), ('vLLM parser', _vllm)]

def gold_ceiling(rows: list) -> list:
    "Each parser on the rows' gold completions (cut at the stop sequence): what a perfect model would get."
    golds = [r['completion'].split('<start_function_response>')[0].split('<end_of_turn>')[0] for r in rows]
    return [(label, score_path(rows, golds, parse)) for label, parse in PARSERS]

def _pct(v): return 'n/a' if v is None else f'{100 * v:.1f}%'

def _metric_cells(m): return f"{_pct(m['exact_accuracy'])} | {_pct(m['tool_accuracy'])} | {_pct(m['arguments']['f1'])}"

def _source(data) -> str:
    "Where a converted test set came from, per the converter's report.json beside it."
    rep = Path(data).with_name('report.json')
    if not rep.is_file(): return ''
    r = json.loads(rep.read_text(encoding='utf-8'))
    return f" (`fg-tuner convert {r.get('input')} data.distractors={r.get('distractors', 0)}`: {r.get('test')} test rows)"

def ceiling_markdown(data, rows: int, ceiling: list) -> list:
    lines = [f'### Parser ceiling: the {rows} gold answers of `{data}`{_source(data)}', '',
             '| parser | exact | tool acc. | arg F1 | errors |', '| --- | --- | --- | --- | --- |']
    lines += [f"| {label} | {_metric_cells(m)} | {m['unparseable']['count']} |" for label, m in ceiling]
    return lines + ['']

def report_markdown(meta: dict, results: list, ceilings: list) -> str:
    "The report: serving paths on the model's outputs (when a run was given), then each parser on the gold answers."
    lines = [f"# Ollama / vLLM train-serve drift{': ' + meta['run'] if meta.get('run') else ''}", '', f"`{meta['command']}` ({meta['date']})", '']
    if results:
        lines += [f"{meta['rows']} test rows of `{meta['data']}`; model `{meta['gguf']}` (llama.cpp via llama-cpp-python {meta['llama_cpp']}, "
                  f"{meta['threads']} threads, greedy, unconstrained as Ollama and vLLM decode, max {meta['max_new_tokens']} new tokens); {meta['machine']}.", '',
                  f"Prompt length: fg_tuner {meta['tokens_ours']:.0f} tokens, Ollama renderer {meta['tokens_ollama']:.0f} tokens (mean); "
                  f"the two prompts differ on {meta['differ']} of {meta['rows']} rows. The run was trained with "
                  f"`model.chat_template={meta.get('chat_template', 'functiongemma')}`"
                  + (" (the Ollama renderer's prompt: the \"fg_tuner\" rows are that prompt too)." if meta.get('chat_template') == 'ollama' else '.'), '',
                  '| serving path | exact | tool acc. | arg F1 | out-of-scope | errors | served by |',
                  '| --- | --- | --- | --- | --- | --- | --- |']
        lines += [f"| {label} | {_metric_cells(m)} | {_pct(m['out_of_scope']['accuracy'])} | {m['unparseable']['count']} | {served} |"
                  for label, m, served in results]
        lines += ['', 'errors: fg_tuner parser: unparseable outputs; Ollama parser: a Go panic (server exits) or a response that '
                  'cannot be JSON-encoded (NaN/Inf); vLLM parser: none (bad calls come back as wrong calls or as content).', '']
    else: lines += ['Model rows: not measured (no `--run`); the tables below need no model.', '']
    lines += ['Each parser reads the answers the router is trained to write (the `completion` column, cut at the stop '
              'sequence), so these are the best scores a perfect model can get on each serving path. "Ollama parser": '
              'Ollama >= 0.13.5 with `<escape>` visible (before 0.30, or a GGUF passed through '
              '`fg_tuner.ollama.expose_function_tokens`); "control tokens hidden": Ollama >= 0.30 with a plain GGUF, '
              'whose llama-server drops `<escape>`; "vLLM parser": `--tool-call-parser functiongemma`. Ports: '
              '`benchmarks/ollama_port.py`.', '']
    for data, n, ceiling in ceilings: lines += ceiling_markdown(data, n, ceiling)
    return '\n'.join(lines)

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--run', help='a run folder written by `fg-tuner train` (LoRA adapter); without it only the parser ceilings of --data')
    ap.add_argument('--data', nargs='*', default=[], help="test.jsonl (default: the run's test set); several allowed without --run")
    ap.add_argument('--gguf', help='reuse this q8_0 GGUF of the run instead of exporting one')
    ap.add_argument('--export-dir', help='keep the exported GGUF here (default: a temporary folder)')
    ap.add_argument('--limit', type=int, help='first N test rows only')
    ap.add_argument('--threads', type=int, default=None, help='CPU threads for llama.cpp (default: all cores)')
    ap.add_argument('--n-ctx', type=int, default=4096)
    ap.add_argument('--max-new-tokens', type=int, default=128)
    ap.add_argument('--out', default=str(Path(__file__).with_name('ollama.md')), help='markdown report to write')
    ap.add_argument('--json', help='also write metrics and every raw output here')
    a = ap.parse_args(argv)
    meta = {'date': time.strftime('%Y-%m-%d'), 'command': 'python benchmarks/bench_ollama.py ' + ' '.join(argv if argv is not None else sys.argv[1:])}
    results, outs, ceilings = [], {}, []
    if a.run:
        rf = RunFolder.of(a.run, required=True)
        data, tools = Path(a.data[0]) if a.data else rf.find('test.jsonl'), rf.find('tools.json')
        if not data: raise DataError(f"{rf.path}: no test.jsonl found; pass --data")
        if not tools: raise DataError(f"{rf.path}: no tools.json found beside the run or its data")
        rows = ollama_rows(read_test_set(data, limit=a.limit), _tool_lookup(rf, tools), load_tools(tools), rf.developer_prompt, rf.chat_template)
        with tempfile.TemporaryDirectory(prefix='bench_ollama_') as tmp:
            gguf = Path(a.gguf) if a.gguf else Path(export(a.run, 'gguf-q8_0', out_dir=a.export_dir or tmp, validate=False,
                                                          threads=a.threads)['files']['gguf-q8_0']['path'])
            gen = GGUFGenerator(gguf, n_ctx=a.n_ctx, n_threads=a.threads, max_new_tokens=a.max_new_tokens, constrain=False)   # as Ollama/vLLM decode
            t0 = time.perf_counter()
            outs = {'ours': gen.generate([r['prompt'] for r in rows]), 'ollama': gen.generate([r['ollama_prompt'] for r in rows])}
            secs = time.perf_counter() - t0
            ntok = lambda p: len(gen.llm.tokenize(p.encode(), add_bos=False, special=True))
            import llama_cpp
            meta |= {'run': str(rf.path), 'chat_template': rf.chat_template, 'data': str(data), 'rows': len(rows), 'gguf': gguf.name, 'threads': a.threads or 'all',
                     'llama_cpp': llama_cpp.__version__, 'max_new_tokens': a.max_new_tokens,
                     'machine': f'{platform.machine()}, {platform.python_implementation()} {platform.python_version()}',
                     'tokens_ours': sum(map(ntok, (r['prompt'] for r in rows))) / len(rows),
                     'tokens_ollama': sum(map(ntok, (r['ollama_prompt'] for r in rows))) / len(rows),
                     'differ': sum(r['prompt'] != r['ollama_prompt'] for r in rows), 'generation_seconds': round(secs, 1)}
        results = [(label, score_path(rows, outs[which], parse), served) for label, which, parse, served in PATHS]
        ceilings.append((data, len(rows), gold_ceiling(rows)))
    else:
        if not a.data: ap.error('give --run, or --data FILE... for the parser ceilings alone')
        for d in a.data:
            rows = read_test_set(d, limit=a.limit)
            ceilings.append((d, len(rows), gold_ceiling(rows)))
    md = report_markdown(meta, results, ceilings)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(md, encoding='utf-8')
    if a.json: Path(a.json).write_text(json.dumps({'meta': meta, 'results': [
        {'path': l, 'metrics': {k: v for k, v in m.items() if k != 'per_tool'}} for l, m, _ in results],
        'outputs': [{'request': r['user_content'], 'ours': o1, 'ollama': o2} for r, o1, o2 in zip(rows, outs.get('ours', []), outs.get('ollama', []))]},
        indent=1, ensure_ascii=False, default=str), encoding='utf-8')
    print(md)
    return 0

if __name__ == '__main__': sys.exit(main())
