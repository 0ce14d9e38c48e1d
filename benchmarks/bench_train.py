#!/usr/bin/env python
"""Benchmark training per engine (plain TRL + PEFT, fg_tuner's hf engine with and without shared prefix, Unsloth): examples/s, tokens/s, peak GPU memory, wall time, exact calls after.

    python benchmarks/bench_train.py                                # GPU: stand-in, all four engines, 60 steps, batch 16
    python benchmarks/bench_train.py --engines hf,unsloth --steps 200 --batch 16 --repeat 2
    python benchmarks/bench_train.py --tiny                         # CPU check: tiny random model, hf, 8 steps, batch 2
    python benchmarks/bench_train.py --engines trl,hf,hf+sp --eval   # plain TRL + PEFT baseline, ours, ours with shared prefix; exact calls after
    python benchmarks/bench_train.py --engines trl,hf@full,hf+compile@full --eval --out /tmp/t.md   # @full: full fine-tuning
    python benchmarks/bench_train.py --model google/functiongemma-270m-it training.learning_rate=1e-4

Engines: `trl` is the baseline, TRL's `SFTTrainer` + PEFT as their docs show it (no fg_tuner code in the training
path, except on CPU, where TRL 1.15's fused loss needs Triton and fg_tuner's PyTorch stand-in is installed); `hf` is `fg-tuner train` with transformers + PEFT and `training.shared_prefix=off`; `hf+sp` the same with
`training.shared_prefix=on`; `hf+liger` the hf engine with `training.fused_kernels=true` (Liger's Gemma 3 layer kernels; a CUDA GPU and the liger-kernel package); `hf+compile` the hf engine with `training.compile_layers=on` (each decoder layer's training forward compiled; the other fg_tuner rows set it off); `unsloth` the Unsloth engine. The fg_tuner rows
train LoRA r16 like the baseline; `ENGINE@full` (e.g. `hf+compile@full`) trains them with full fine-tuning, what the
recipe picks for small routers. Each engine runs in its own process (Unsloth patches transformers when imported, and peak
memory must be per run) on the same converted data: `--data` (default the HR sample workbook, with the
`exp_hr_routing` experiment's options) is converted once, and only its training split is used (no evaluation
during the run). Reported per run:

- tokens: non-padding tokens seen by the training loop (TRL's `num_tokens`: the attention-mask sum, so padding is
  not counted), and the completion (loss) tokens among them;
- tokens/s: tokens / the trainer's `train_runtime` (whole training loop, compilation included), and *steady*
  tokens/s between the second and the last log line (after warm-up / compilation);
- peak GPU memory: `torch.cuda.max_memory_allocated` (and reserved) of the run's process;
- wall time: the whole process (imports, model loading, data preparation, training, saving).

With `--repeat 2` each engine runs twice; the first Unsloth run on a machine compiles kernels, the second is warm.
On a GPU the table goes to `benchmarks/train.md` (with machine, command and date) unless `--out` says otherwise;
on CPU it is only printed unless `--out` is given. Extra `key=value` arguments are config overrides for every run.
"""
import argparse, json, os, platform, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gpu_name():
    try:
        import torch
        if torch.cuda.is_available(): return f'{torch.cuda.get_device_name(0)} x{torch.cuda.device_count()}'
    except Exception: pass
    return None


# ---------------------------------------------------------------- worker: one training run in this process
def worker(a):
    import torch
    from transformers import TrainerCallback
    from fg_tuner.config import load_config
    from fg_tuner.trainer import train

    class Clock(TrainerCallback):
        """Wall-clock time at each log line, with the cumulative non-padding token count. Tokens are counted by a
        forward pre-hook on the model (attention-mask sum, or every token of a padding-free batch), because Unsloth's
        patched trainer does not log TRL's `num_tokens`."""
        def __init__(self): self.points, self.tokens, self.hook = [], 0, None
        def on_train_begin(self, args, state, control, model=None, **kw):
            def count(mod, a, kw_):
                if not mod.training: return
                am, ids = kw_.get('attention_mask'), kw_.get('input_ids', a[0] if a else None)
                if am is not None and am.dim() == 2: self.tokens += int(am.sum())
                elif ids is not None: self.tokens += int(ids.numel())
            if model is not None: self.hook = model.register_forward_pre_hook(count, with_kwargs=True)
        def on_train_end(self, args, state, control, **kw):
            if self.hook is not None: self.hook.remove()
        def on_log(self, args, state, control, logs=None, **kw):
            if logs and 'loss' in logs:
                if torch.cuda.is_available(): torch.cuda.synchronize()
                self.points.append((time.perf_counter(), float(self.tokens), state.global_step))

    if torch.cuda.is_available(): torch.cuda.reset_peak_memory_stats()
    clock = Clock()
    if a.worker == 'trl': return plain_trl(a, clock)
    cfg = load_config(a.config_name, json.loads(a.overrides))
    t0 = time.perf_counter()
    run = train(cfg, callbacks=[clock])
    wall = time.perf_counter() - t0
    m = json.loads((run/'metrics.json').read_text())
    ri = json.loads((run/'run_info.json').read_text())
    hist = m['log_history']
    trl_tokens = max((h['num_tokens'] for h in hist if 'num_tokens' in h and 'loss' in h), default=None)
    tokens = clock.tokens or trl_tokens
    steady = steady_rate(clock)
    res = {'engine': ri['engine'], 'engine_reason': ri['engine_reason'], 'dtype': ri['dtype'], 'steps': m['global_step'],
           'train_rows': ri['data']['train']['kept'], 'tokens': tokens, 'trl_num_tokens': trl_tokens, 'completion_tokens_per_epoch': m['data']['train_completion_tokens_per_epoch'],
           'train_runtime_s': m['train_runtime_s'], 'tokens_per_s': tokens / m['train_runtime_s'] if tokens and m['train_runtime_s'] else None,
           'steady': steady, 'first_loss': m['first_loss'], 'final_loss': m['final_loss'], 'train_wall_s': wall,
           'peak_alloc_gib': torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None,
           'peak_reserved_gib': torch.cuda.max_memory_reserved() / 2**30 if torch.cuda.is_available() else None,
           'run_dir': str(run)}
    Path(a.result).write_text(json.dumps(res, indent=2))


def steady_rate(clock):
    if len(clock.points) < 3: return None
    (ta, na, sa), (tb, nb, sb) = clock.points[1], clock.points[-1]
    return {'tokens_per_s': (nb - na) / (tb - ta), 'steps': sb - sa, 'seconds': tb - ta}


def plain_trl(a, clock):
    """The baseline: TRL `SFTTrainer` + PEFT LoRA written the way the TRL docs and Google's FunctionGemma cookbook
    show it: prompt-completion rows (completion-only loss, TRL's default for them), LoRA r16/alpha 32 on all linear
    layers, bf16 where the GPU has it, every other setting TRL's default. Same rows, steps, batch and learning rate
    as the other engines; nothing of fg_tuner in the training path (the rows come from the same converted file)."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer
    from fg_tuner.models import resolve_model
    from fg_tuner.trainer import ensure_loss_head
    # without Triton (CPU), stock TRL 1.15's fused LM-head loss has no kernel and fails; this installs a PyTorch one
    # there and does nothing on a GPU, where the baseline runs TRL exactly as shipped
    ensure_loss_head()
    o = dict(x.split('=', 1) for x in json.loads(a.overrides))
    un = lambda v: json.loads(v) if v.startswith('"') else v
    name, data, out = un(o['model.name_or_path']), Path(un(o['data.input'])), Path(un(o['training.output_dir']))/un(o['training.run_name'])
    path = resolve_model(name)
    t0 = time.perf_counter()
    rows = [json.loads(l) for l in (data/'train.jsonl').read_text().splitlines() if l.strip()]
    # the converted prompt starts with the "<bos>" text; the tokenizer adds its own BOS, so drop ours
    ds = Dataset.from_list([{'prompt': r['prompt'].removeprefix('<bos>'), 'completion': r['completion']} for r in rows])
    tok = AutoTokenizer.from_pretrained(str(path))
    bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    model = AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.bfloat16 if bf16 else torch.float32, attn_implementation='eager')
    args = SFTConfig(output_dir=str(out), per_device_train_batch_size=int(o['training.per_device_train_batch_size']),
                     max_steps=int(o['training.max_steps']), learning_rate=float(o['training.learning_rate']), logging_steps=5,
                     save_strategy='no', report_to='none', bf16=bf16, max_length=4096, seed=int(o.get('training.seed', 0)))
    peft = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules='all-linear', task_type='CAUSAL_LM')
    tr = SFTTrainer(model=model, args=args, train_dataset=ds, processing_class=tok, peft_config=peft, callbacks=[clock])
    out_ = tr.train()
    tr.save_model(str(out/'adapter')); tok.save_pretrained(str(out/'adapter'))
    wall = time.perf_counter() - t0
    losses = [h['loss'] for h in tr.state.log_history if 'loss' in h]
    rt = out_.metrics['train_runtime']
    res = {'engine': 'trl', 'engine_reason': 'plain TRL SFTTrainer + PEFT', 'dtype': 'bfloat16' if bf16 else 'float32',
           'steps': tr.state.global_step, 'train_rows': len(rows), 'tokens': clock.tokens, 'trl_num_tokens': None,
           'completion_tokens_per_epoch': None, 'train_runtime_s': rt, 'tokens_per_s': clock.tokens / rt if rt else None,
           'steady': steady_rate(clock), 'first_loss': losses[0] if losses else float('nan'), 'final_loss': losses[-1] if losses else float('nan'),
           'train_wall_s': wall, 'peak_alloc_gib': torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None,
           'peak_reserved_gib': torch.cuda.max_memory_reserved() / 2**30 if torch.cuda.is_available() else None,
           'run_dir': str(out/'adapter')}
    Path(a.result).write_text(json.dumps(res, indent=2))


# ---------------------------------------------------------------- driver
def fmt(v, nd=0):
    if v is None: return '-'
    return f'{v:,.{nd}f}'


def table(results):
    head = ('| engine | run | dtype | steps | examples/s | steady examples/s | non-padding tokens | train loop s | tokens/s | steady tokens/s | peak GPU GiB (alloc / reserved) '
            '| wall s (process) | loss first -> last | exact call (tool) |')
    lines = [head, '| ' + ' | '.join(['---'] * (head.count('|') - 1)) + ' |']
    for r in results:
        if 'error' in r:
            lines.append(f"| {r['engine_requested']} | {r['repeat']} | - | - | - | - | - | - | - | - | - | {fmt(r.get('wall_s'), 1)} | failed: {r['error']} | - |")
            continue
        st = r['steady']['tokens_per_s'] if r.get('steady') else None
        mem = '-' if r['peak_alloc_gib'] is None else f"{r['peak_alloc_gib']:.1f} / {r['peak_reserved_gib']:.1f}"
        eps = r['steps'] * r['batch'] / r['train_runtime_s'] if r.get('batch') and r['train_runtime_s'] else None
        sd = r.get('steady')
        seps = sd['steps'] * r['batch'] / sd['seconds'] if sd and r.get('batch') and sd['seconds'] else None
        ev = (f"{100*r['exact']:.1f}% ({100*r['tool_acc']:.1f}%)" if 'exact' in r else
              ('failed: ' + ' '.join(r['eval_error']) if 'eval_error' in r else '-'))
        lines.append(f"| {r['engine']} | {r['repeat']} | {r['dtype']} | {r['steps']} | {fmt(eps, 1)} | {fmt(seps, 1)} | {fmt(r['tokens'])} | {fmt(r['train_runtime_s'], 1)} "
                     f"| {fmt(r['tokens_per_s'])} | {fmt(st)} | {mem} | {fmt(r['wall_s'], 1)} | {r['first_loss']:.3f} -> {r['final_loss']:.3f} | {ev} |")
    return '\n'.join(lines)


def evaluate_run(model, data_dir, out, batch, limit=None):
    "`fg-tuner eval` of a finished run (run folder or adapter folder) on the test split: exact calls and rows/s."
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, str(ROOT/'main.py'), 'eval', '--model', str(model), '--data', str(data_dir/'test.jsonl'),
                        '--out', str(out), '--batch-size', str(batch)] + (['--limit', str(limit)] if limit else []),
                       cwd=str(ROOT), capture_output=True, text=True)
    if p.returncode != 0: return {'eval_error': (p.stderr or p.stdout).strip().splitlines()[-1:]}
    m = json.loads((out/'report.json').read_text())['metrics']
    return {'exact': m['exact_accuracy'], 'tool_acc': m['tool_accuracy'], 'eval_rows': m['n'], 'eval_s': time.perf_counter() - t0}


def prepare_data(a, tmp, keep_test=False):
    "Convert the data once; the training split trains, the test split is kept only for `--eval`."
    from fg_tuner.config import load_config
    from fg_tuner.dataset import convert_config
    over = [f'data.input={json.dumps(str(a.data))}', f'data.processed_dir={json.dumps(str(tmp/"processed"))}'] + a.exp_overrides
    cfg = load_config(a.config_name, over)
    conv = convert_config(cfg, out=tmp/'data', dataset=False)
    # the test split lives outside the training folder: the trainer would otherwise evaluate on it inside the timed loop
    if keep_test: (tmp/'test').mkdir(); (tmp/'data'/'test.jsonl').rename(tmp/'test'/'test.jsonl')
    else: (tmp/'data'/'test.jsonl').unlink()
    return tmp/'data', len(conv.train), cfg.experiment


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument('overrides', nargs='*', metavar='key=value', help='config overrides for every run')
    ap.add_argument('--engines', default=None, help='comma-separated: trl (plain TRL SFTTrainer + PEFT, as its docs show), '
                    'hf (fg_tuner, shared prefix off), hf+sp (fg_tuner, shared prefix on), hf+liger (fg_tuner with training.fused_kernels, '
                    'a CUDA GPU and liger-kernel), hf+compile (fg_tuner with training.compile_layers=on), unsloth (default trl,hf,hf+sp,unsloth; hf with --tiny)')
    ap.add_argument('--eval', action='store_true', help='after each run, `fg-tuner eval` on the test split: exact-call accuracy')
    ap.add_argument('--eval-batch', type=int, default=64)
    ap.add_argument('--eval-limit', type=int, help='--eval: only the first N test rows')
    ap.add_argument('--model', default='standin', help="model.name_or_path (default 'standin', the offline Gemma 3 270M)")
    ap.add_argument('--data', default=str(ROOT/'data/raw/hr_routing.xlsx'), help='raw data or processed folder')
    ap.add_argument('--experiment', default='exp_hr_routing', help="experiment whose data options apply ('' for none)")
    ap.add_argument('--config-name', default='base_config')
    ap.add_argument('--steps', type=int, help='training steps per run (default 60; 8 with --tiny)')
    ap.add_argument('--batch', type=int, help='per-device batch (default 16; 2 with --tiny)')
    ap.add_argument('--lr', type=float, help='learning rate (default 2e-4; 1e-2 with --tiny)')
    ap.add_argument('--repeat', type=int, default=1, help='runs per engine (the first Unsloth run compiles)')
    ap.add_argument('--seed', type=int, default=0, help='training seed of every run (data order, adapter init); repeat k adds k-1')
    ap.add_argument('--match-trl', action='store_true', help="fg_tuner runs with the baseline's schedule and dropout (linear, "
                    "no warmup, LoRA dropout 0.05) instead of fg_tuner's (cosine, 5%% warmup, dropout 0): only the engine differs")
    ap.add_argument('--tiny', action='store_true', help='CPU check: tiny random model, hf engine, 8 steps, batch 2')
    ap.add_argument('--out', help='markdown file for the results (default benchmarks/train.md on a GPU, none on CPU)')
    ap.add_argument('--keep', action='store_true', help='keep the run folders (printed)')
    ap.add_argument('--worker', help=argparse.SUPPRESS)
    ap.add_argument('--result', help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        a.overrides = a.overrides[0]
        return worker(a)

    gpu = _gpu_name()
    if not a.tiny: a.engines = a.engines or 'trl,hf,hf+sp,unsloth'
    if a.tiny: a.model, a.engines = 'tiny', a.engines or 'hf'
    a.steps = a.steps or (8 if a.tiny else 60)
    a.batch = a.batch or (2 if a.tiny else 16)
    a.lr = a.lr or (1e-2 if a.tiny else 2e-4)
    out = Path(a.out) if a.out else (ROOT/'benchmarks/train.md' if gpu and not a.tiny else None)
    a.exp_overrides = [f'experiments={a.experiment}'] if a.experiment else []
    tmp = Path(tempfile.mkdtemp(prefix='bench_train_'))
    data_dir, n_rows, exp = prepare_data(a, tmp, keep_test=a.eval)
    print(f'data: {a.data} -> {n_rows} training rows ({data_dir})', flush=True)
    results = []
    for spec in [e.strip() for e in a.engines.split(',') if e.strip()]:
        # ENGINE@full trains the fg_tuner engine with full fine-tuning instead of LoRA r16 (the trl baseline is always LoRA)
        eng, _, method = spec.partition('@')
        method = method or 'lora'
        if method not in ('lora', 'full') or (eng == 'trl' and method != 'lora'): raise SystemExit(f'--engines: {spec!r}: ENGINE or ENGINE@full (not trl)')
        for rep in range(1, a.repeat + 1):
            run_name = f'{spec.replace("+", "_").replace("@", "-")}-{rep}'
            engine, sp = {'trl': ('hf', 'off'), 'hf+sp': ('hf', 'on'), 'hf+liger': ('hf', 'off'), 'hf+compile': ('hf', 'off')}.get(eng, (eng, 'off'))
            over = a.exp_overrides + [
                f'data.input={json.dumps(str(data_dir))}', f'model.name_or_path={json.dumps(a.model)}', f'training.engine={engine}',
                f'training.shared_prefix={sp}',
                f'training.output_dir={json.dumps(str(tmp/"runs"))}', f'training.run_name={run_name}',
                f'training.max_steps={a.steps}', f'training.per_device_train_batch_size={a.batch}', 'training.gradient_accumulation_steps=1',
                f'training.learning_rate={a.lr}', 'training.logging_steps=5', f'training.save_steps={10**9}',
                # the engines' LoRA speed as before the recipe (fg_tuner.recipe): fixed rank and warmup, no validation generation
                f'training.method={method}', 'lora.r=16', 'lora.alpha=32', 'data.val_size=0', f'training.seed={a.seed + rep - 1}',
                'logging.wandb_mode=disabled', 'logging.sample_generations=0', f'training.fused_kernels={str(eng == "hf+liger").lower()}',
                f'training.compile_layers={"on" if eng == "hf+compile" else "off"}'] + (
                ['training.lr_scheduler_type=linear', 'training.warmup_ratio=0', 'lora.dropout=0.05'] if a.match_trl else ['training.warmup_ratio=0.05']) + a.overrides
            res_file = tmp/f'{run_name}.json'
            cmd = [sys.executable, __file__, '--worker', 'trl' if eng == 'trl' else 'fg', '--result', str(res_file), '--config-name', a.config_name, json.dumps(over)]
            print(f'== {spec} (run {rep}): training {a.steps} steps, batch {a.batch}, model {a.model}', flush=True)
            t0 = time.perf_counter()
            p = subprocess.run(cmd, cwd=str(ROOT), env={**os.environ, 'PYTHONUNBUFFERED': '1'})
            wall = time.perf_counter() - t0
            if p.returncode != 0 or not res_file.exists():
                results.append({'engine_requested': spec, 'repeat': rep, 'wall_s': wall, 'error': f'exit code {p.returncode}'}); continue
            r = json.loads(res_file.read_text()); r.update(repeat=rep, wall_s=wall, batch=a.batch)
            if eng != 'trl':
                r['engine'] = (r['engine'] + (' + shared prefix' if sp == 'on' else '') + (' + Liger kernels' if eng == 'hf+liger' else '')
                               + (' + compiled layers' if eng == 'hf+compile' else '') + (', full fine-tuning' if method == 'full' else ''))
                if r['engine'].split(' ')[0].rstrip(',') != engine: r['engine'] = f"{r['engine']} (asked {eng})"
            if a.eval: r.update(evaluate_run(r['run_dir'], tmp/'test', tmp/f'eval-{run_name}', a.eval_batch, a.eval_limit))
            results.append(r)
    md = table(results)
    head = (f"## Training throughput per engine\n\n"
            f"`fg-tuner train` on {gpu or 'CPU (' + (platform.machine() or '?') + ', ' + str(os.cpu_count()) + ' cores)'}, "
            f"model `{a.model}`, {a.steps} steps of batch {a.batch} (LoRA r16 on the seven projections, or full fine-tuning where the row says so; completion-only loss, seed {a.seed}"
            + ("; fg_tuner runs with the baseline's linear schedule, no warmup, LoRA dropout 0.05" if a.match_trl else '') + "), "
            f"{n_rows} training rows from `{Path(a.data).name}`" + (f" with experiment `{exp}`" if exp else '') +
            f"; {time.strftime('%Y-%m-%d')}. Tokens are non-padding tokens (prompt + completion); *steady* excludes the "
            f"first logging interval (warm-up, compilation); wall time is the whole process (imports, loading, saving). "
            f"Made by `python benchmarks/bench_train.py {' '.join((argv if argv is not None else sys.argv[1:]))}`.\n\n")
    print('\n' + head + md)
    if out:
        out.write_text(head + md + '\n')
        print(f'\nwritten to {out}')
    if a.keep: print(f'run folders: {tmp/"runs"}')
    else:
        import shutil; shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all('error' not in r for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
