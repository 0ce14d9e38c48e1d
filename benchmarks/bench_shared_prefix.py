#!/usr/bin/env python
"""Seconds per training step with and without shared-prefix batches (`training.shared_prefix=off|on`).

    OMP_NUM_THREADS=2 python benchmarks/bench_shared_prefix.py                 # CPU: stand-in 270M, fp32, batch 4, 2 steps
    python benchmarks/bench_shared_prefix.py --device cuda --batch 16 --steps 20 --warmup 3    # GPU: bf16
    python benchmarks/bench_shared_prefix.py --model tiny --steps 2 --out -   # a quick check of the script itself

Both runs go through `fg_tuner.trainer.train` (the `hf` engine: transformers + PEFT + TRL's `SFTTrainer`, LoRA and
gradient checkpointing from the config defaults), each in its own process, on the same rows: the HR sample workbook
converted with `data.distractors=0` (one tool set: every row starts with the same ~1,250-token developer turn), its
training split only. Each run trains `--warmup` + `--steps` optimizer steps with `logging_steps=1`; the table gives
the mean of the last `--steps` step times (`step_time_s` of `fg_tuner.callbacks.StepTimeCallback`, synchronised on a
GPU) and the process's CPU seconds per step (all threads, with OMP_WAIT_POLICY=PASSIVE so that waiting threads
do not spin; on a shared CPU machine the steadier number), rows/s and
non-padding tokens/s at the wall-clock pace, the loss of every step (the same batches in both runs, so the
losses must agree), and the peak memory of the process (GPU: `torch.cuda.max_memory_allocated`; CPU: max RSS).
Extra `key=value` arguments are config overrides for both runs (e.g. `training.gradient_checkpointing=false`).
On a CPU, set OMP_NUM_THREADS (the threads the machine can give). The table is printed and written to
`benchmarks/shared_prefix_<device>.md` (`--out` elsewhere, `--out -` nowhere).
"""
import argparse, json, os, platform, resource, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def worker(a):
    "One training run in this process; its numbers go to `a.result` as JSON."
    import torch
    from transformers import TrainerCallback
    from fg_tuner.config import load_config
    from fg_tuner.trainer import train
    if a.device == 'cpu': torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '2')))

    class CpuClock(TrainerCallback):
        "CPU seconds of this process (all its threads) per optimizer step: on a shared machine, less noisy than wall time."
        def __init__(self): self.t0, self.steps = None, []
        def on_step_begin(self, args, state, control, **kw): self.t0 = time.process_time()
        def on_step_end(self, args, state, control, **kw): self.steps.append(time.process_time() - self.t0)

    clock, t0 = CpuClock(), time.perf_counter()
    run = train(load_config('base_config', json.loads(a.overrides)), callbacks=[clock])
    m, ri = json.loads((run/'metrics.json').read_text()), json.loads((run/'run_info.json').read_text())
    hist = [h for h in m['log_history'] if 'loss' in h]
    Path(a.result).write_text(json.dumps({
        'shared_prefix': ri['shared_prefix'], 'dtype': ri['dtype'], 'engine': ri['engine'], 'method': ri.get('method'),
        'gradient_checkpointing': (ri.get('recipe') or {}).get('training.gradient_checkpointing', {}).get('value'),
        'step_s': [h['step_time_s'] for h in hist], 'cpu_s': clock.steps, 'loss': [h['loss'] for h in hist],
        'tokens': [h['num_input_tokens_seen'] for h in hist], 'wall_s': time.perf_counter() - t0,
        'peak_gpu_gib': torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None,
        'max_rss_gib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}))


def prepare_data(tmp:Path, rows:int|None) -> tuple:
    "The HR sample converted without distractors, training split only; and its shared-prefix plan."
    from fg_tuner.dataset import convert
    conv = convert(str(ROOT/'data/raw/hr_routing.xlsx'), data={'distractors': 0, 'seed': 0, 'shuffle_tools': False})   # one order: shared prefix
    conv.train, conv.test = conv.train[:rows] if rows else conv.train, []
    out = conv.write(tmp/'data')
    (out/'test.jsonl').unlink(missing_ok=True)
    return out, len(conv.train)


def table(results:list, a, n_rows:int, plan:dict) -> str:
    if a.device == 'cpu':
        dev = f"CPU ({platform.node()}: {os.cpu_count()} cores, {os.environ.get('OMP_NUM_THREADS', '?')} threads, load average {os.getloadavg()[0]:.1f} at the end)"
    else: dev = os.environ.get('BENCH_GPU_NAME') or 'cuda'
    ok = [r for r in results if 'error' not in r]
    what = ', '.join(sorted({f"{r.get('method') or '?'}" + {True: ', gradient checkpointing', False: ', no gradient checkpointing'}.get(r.get('gradient_checkpointing'), '')
                             for r in ok})) or 'no run finished'
    lines = [f"## Shared-prefix training, {a.device.upper()}", '',
             f"`{a.model}` on {dev}, {time.strftime('%Y-%m-%d')}: {what}, batch {a.batch}, {n_rows} rows of the HR "
             f"sample (`data.distractors=0`) of ~{plan['tokens'] / plan['rows']:.0f} tokens, a batch sharing ~{plan['mean_prefix']:.0f} "
             f"of them (the prefix computed once saves {plan['saved_fraction']:.0%} of the token positions); mean of {a.steps} "
             f"step(s) after {a.warmup} warm-up step(s). Made by", '',
             f"    {'OMP_NUM_THREADS=' + os.environ.get('OMP_NUM_THREADS', '') + ' ' if a.device == 'cpu' else ''}python benchmarks/bench_shared_prefix.py {' '.join(sys.argv[1:])}", '',
             '| training.shared_prefix | s/step | speed-up | CPU s/step | speed-up (CPU time) | rows/s | tokens/s | loss per step | peak memory GiB | dtype |',
             '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    base = base_cpu = None
    for r in results:
        if 'error' in r:
            lines.append(f"| {r['mode']} | failed: {r['error']} | | | | | | | | |"); continue
        timed, cpu = r['step_s'][-a.steps:], r['cpu_s'][-a.steps:]
        s, c = sum(timed) / len(timed), sum(cpu) / len(cpu)
        base, base_cpu = base or s, base_cpu or c
        tok = (r['tokens'][-1] - (r['tokens'][-a.steps - 1] if len(r['tokens']) > a.steps else 0)) / a.steps
        mem = r['peak_gpu_gib'] if r['peak_gpu_gib'] is not None else r['max_rss_gib']
        lines.append(f"| {r['mode']} | {s:.2f} | {base / s:.2f}x | {c:.1f} | {base_cpu / c:.2f}x | {a.batch / s:.2f} | {tok / s:,.0f} | "
                     f"{', '.join(f'{x:.4f}' for x in r['loss'])} | {mem:.1f} | {r['dtype']} |")
    return '\n'.join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument('overrides', nargs='*', metavar='key=value', help='config overrides for both runs')
    ap.add_argument('--device', choices=['cpu', 'cuda'], default=None, help='default: cuda when available')
    ap.add_argument('--model', default='standin', help="model.name_or_path (default 'standin', the offline Gemma 3 270M)")
    ap.add_argument('--dtype', default=None, help='model.dtype (default bf16 on cuda, fp32 on cpu)')
    ap.add_argument('--batch', type=int, default=4, help='per_device_train_batch_size')
    ap.add_argument('--steps', type=int, default=1, help='timed steps per run')
    ap.add_argument('--warmup', type=int, default=1, help='untimed steps first')
    ap.add_argument('--rows', type=int, default=None, help='training rows (default all)')
    ap.add_argument('--modes', default='off,on')
    ap.add_argument('--out', default=None, help="write the Markdown here too (default benchmarks/shared_prefix_<device>.md; '-' for none)")
    ap.add_argument('--worker', help=argparse.SUPPRESS)
    ap.add_argument('--result', help=argparse.SUPPRESS)
    ap.add_argument('--overrides-json', dest='overrides_json', help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        a.overrides = a.overrides_json
        return worker(a)
    import torch
    a.device = a.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    dtype = a.dtype or ('bf16' if a.device == 'cuda' else 'fp32')
    env = {**os.environ, 'WANDB_MODE': 'disabled', **({'CUDA_VISIBLE_DEVICES': ''} if a.device == 'cpu' else {})}
    if a.device == 'cpu':   # PASSIVE: idle OpenMP threads sleep instead of spinning, so CPU seconds count work
        env.setdefault('OMP_NUM_THREADS', '2'); env.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
    if a.device == 'cuda': env['BENCH_GPU_NAME'] = torch.cuda.get_device_name(0)
    results = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        data, n_rows = prepare_data(tmp, a.rows)
        from fg_tuner import models
        from fg_tuner.trainer import build_dataset
        from fg_tuner.shared_prefix import shared_prefix_plan
        ds, _ = build_dataset([json.loads(l) for l in (data/'train.jsonl').read_text().splitlines() if l.strip()],
                              models.load_tokenizer(a.model), 4096)
        plan = shared_prefix_plan(ds['input_ids'], ds['labels'], a.batch)
        for mode in a.modes.split(','):
            over = [f'data.input={data}', f'model.name_or_path={a.model}', f'model.dtype={dtype}', f'training.output_dir={tmp}/outputs',
                    f'training.run_name={mode}', 'training.engine=hf', f'training.shared_prefix={mode}',
                    f'training.max_steps={a.warmup + a.steps}', f'training.per_device_train_batch_size={a.batch}', 'training.logging_steps=1',
                    'training.save_steps=100000', 'logging.sample_generations=0', 'logging.wandb_mode=disabled'] + a.overrides
            res = tmp/f'{mode}.json'
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, __file__, '--worker', mode, '--result', str(res), '--device', a.device,
                                '--overrides-json', json.dumps(over)], env=env, cwd=ROOT, capture_output=True, text=True)
            if p.returncode != 0 or not res.exists():
                err = (p.stderr.strip().splitlines() or ['no output'])[-1]
                results.append({'mode': mode, 'error': err}); print(p.stderr[-3000:], file=sys.stderr); continue
            r = json.loads(res.read_text()); r['mode'] = mode
            results.append(r)
            print(f"{mode}: {r['shared_prefix']}; steps {r['step_s']} s, loss {r['loss']}, {time.perf_counter() - t0:.0f}s in all", file=sys.stderr)
    md = table(results, a, n_rows, plan)
    print(md)
    out = a.out or str(ROOT/f'benchmarks/shared_prefix_{a.device}.md')
    if out != '-': Path(out).write_text(md + '\n', encoding='utf-8'); print(f'-> {out}', file=sys.stderr)
    return 0 if all('error' not in r for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
