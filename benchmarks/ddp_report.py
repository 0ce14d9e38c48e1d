"""Compare runs of one config on different numbers of GPUs: throughput and loss curves, as a markdown report.

    python benchmarks/ddp_report.py --out benchmarks/ddp_global.md [--plot benchmarks/ddp_global_loss.png] [--title T] [--note N] \
        RUN_DIR:GPUS[:WALL_SECONDS] RUN_DIR:GPUS[:WALL_SECONDS] ...

Each RUN_DIR is a trainer run folder (outputs/<run>/). The Trainer's `log_history` is read from, in this order,
`trainer_state.json`, `metrics.json` (key `log_history`), the newest `checkpoint-*/trainer_state.json`; the batch
size from the resolved `config.yaml`. benchmarks/bench_ddp.sh runs the trainings and then this script.
Standard library only (matplotlib for the optional plot)."""
import argparse, json, re, statistics, sys
from pathlib import Path


def load_history(run_dir):
    "The Trainer's log_history of a run folder (a list of dicts)."
    d = Path(run_dir)
    cands = [d/'trainer_state.json', d/'metrics.json']
    ckpts = sorted(d.glob('checkpoint-*/trainer_state.json'), key=lambda p: int(re.sub(r'\D', '', p.parent.name) or 0))
    for p in cands + ckpts[::-1]:
        if p.is_file():
            h = json.loads(p.read_text()).get('log_history')
            if h: return h
    sys.exit(f'error: no log_history in {d} (looked for trainer_state.json, metrics.json, checkpoint-*/trainer_state.json)')


def load_batch(run_dir):
    "(per-device batch, gradient accumulation) from the run's config.yaml, or (None, None)."
    p = Path(run_dir)/'config.yaml'
    if not p.is_file(): return None, None
    txt, vals = p.read_text(), {}
    # a flat scan of `key: value` lines keeps this script free of non-stdlib imports
    for k in ('per_device_train_batch_size', 'gradient_accumulation_steps'):
        m = re.search(rf'^\s*{k}:\s*(\d+)\s*$', txt, re.M)
        vals[k] = int(m.group(1)) if m else None
    return vals['per_device_train_batch_size'], vals['gradient_accumulation_steps']


def summarize(history):
    "Final metrics and the loss curve of one log_history."
    final = next((h for h in reversed(history) if 'train_runtime' in h), {})
    pts = [(h['step'], h.get('epoch'), h['loss']) for h in history if 'loss' in h and 'step' in h]
    tokens = next((h['num_input_tokens_seen'] for h in reversed(history) if 'num_input_tokens_seen' in h), None)
    rt = final.get('train_runtime')
    steps = final.get('step', pts[-1][0] if pts else None)
    # steady state: the median of StepTimeCallback's per-log means, leaving out the first log line (warm-up, compile)
    st = [h['step_time_s'] for h in history if 'step_time_s' in h][1:]
    step_time = statistics.median(st) if st else None
    return dict(steps=steps, epoch=final.get('epoch'), runtime=rt,
                samples_per_s=final.get('train_samples_per_second'), train_loss=final.get('train_loss'),
                last_loss=pts[-1][2] if pts else None, points=pts,
                step_time=step_time, tokens_per_step=tokens/steps if tokens and steps else None)


def interp(xs, ys, x):
    "Linear interpolation of ys(xs) at x (xs increasing); None outside the range."
    if not xs or x < xs[0] or x > xs[-1]: return None
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        if x0 <= x <= x1: return y0 if x1 == x0 else y0 + (y1 - y0)*(x - x0)/(x1 - x0)
    return ys[-1]


def _f(v, fmt): return '-' if v is None else format(v, fmt)


def report(runs, title='Data-parallel training', note=''):
    "Markdown: one row per run, then the loss of every run at the same points of training."
    rows = []
    for r in runs:
        s = summarize(load_history(r['dir']))
        bs, ga = load_batch(r['dir'])
        rows.append({**r, **s, 'per_device': bs, 'global': bs*(ga or 1)*r['gpus'] if bs else None})
    base = rows[0]
    out = [f'## {title}', '']
    if note: out += [note, '']
    for r in rows:   # steady throughput: one optimizer step processes `global` rows and `tokens_per_step` tokens
        r['steady_samples'] = r['global']/r['step_time'] if r['global'] and r['step_time'] else None
        r['steady_tokens'] = r['tokens_per_step']/r['step_time'] if r['tokens_per_step'] and r['step_time'] else None
    def ratio(r, k): return r[k]/base[k] if r.get(k) and base.get(k) else None
    def speed(v): return f"{_f(v, '.2f')}{'x' if v else ''}"
    out += ['| GPUs | per-GPU batch | global batch | optimizer steps | epochs | step time (s) | steady samples/s | '
            'steady tokens/s | steady speed-up | train loop (s) | loop samples/s | loop speed-up | wall time (s) | '
            'final train loss |', '|' + ' --- |'*14]
    for r in rows:
        out.append(f"| {r['gpus']} | {_f(r['per_device'], 'd')} | {_f(r['global'], 'd')} | {_f(r['steps'], 'd')} | "
                   f"{_f(r['epoch'], '.2f')} | {_f(r['step_time'], '.3f')} | {_f(r['steady_samples'], '.1f')} | "
                   f"{_f(r['steady_tokens'], ',.0f')} | {speed(ratio(r, 'steady_samples'))} | {_f(r['runtime'], '.1f')} | "
                   f"{_f(r['samples_per_s'], '.1f')} | {speed(ratio(r, 'samples_per_s'))} | {_f(r.get('wall'), '.1f')} | "
                   f"{_f(r['train_loss'], '.4f')} |")
    out += ['', '`step time`: median seconds per optimizer step on the main process (`step_time_s` from the trainer\'s '
            '`StepTimeCallback`, first log line left out), all-reduce included; `steady` = one step\'s rows and '
            'non-padding tokens divided by it. `train loop`: the Trainer\'s `train_runtime` (evaluation, sample '
            'generations and checkpoint saves included); `wall time`: the whole command (start-up, model loading).']
    # compare the curves by epoch: it is the common axis whether or not the global batch is the same
    by_epoch = [r for r in rows if r['points'] and all(p[1] is not None for p in r['points'])]
    if len(by_epoch) >= 2:
        ref = by_epoch[0]
        xs = [p[1] for p in ref['points']]
        k = min(10, len(xs))  # up to 10 evenly spaced logged points, first and last included
        pick = [xs[i] for i in sorted({round(j*(len(xs) - 1)/(k - 1)) for j in range(k)})] if k > 1 else xs
        hdr = ' | '.join(f"{r['gpus']} GPU{'s'*(r['gpus'] > 1)}" for r in by_epoch)
        out += ['', 'Training loss at the same points of training (each curve interpolated at the epoch of the first run\'s '
                'logged steps):', '', f'| epoch | {hdr} | largest difference |', '|' + ' --- |'*(len(by_epoch) + 2)]
        worst = 0.0
        for x in pick:
            vals = [interp([p[1] for p in r['points']], [p[2] for p in r['points']], x) for r in by_epoch]
            got = [v for v in vals if v is not None]
            diff = max(got) - min(got) if len(got) > 1 else None
            if diff is not None: worst = max(worst, diff/abs(got[0]) if got[0] else 0)
            out.append(f"| {x:.2f} | {' | '.join(_f(v, '.4f') for v in vals)} | {_f(diff, '.4f')} |")
        if len({r['global'] for r in by_epoch}) == 1:
            out += ['', f'Largest relative difference between the curves at these points: {worst:.1%}.']
        else:   # a larger global batch takes fewer, larger steps at the same learning rate: another training run
            out += ['', 'The global batches differ (' + ' vs '.join(_f(r['global'], 'd') for r in by_epoch) + '), so these '
                    'curves are not expected to match: the larger batch makes fewer optimizer steps per epoch at the same '
                    'learning rate. Compare runs with the same global batch for that.']
    return '\n'.join(out) + '\n', rows


def plot(rows, path):
    "Loss against epoch for every run."
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    for r in rows:
        if r['points'] and all(p[1] is not None for p in r['points']):
            ax.plot([p[1] for p in r['points']], [p[2] for p in r['points']], label=f"{r['gpus']} GPU{'s'*(r['gpus'] > 1)}")
    ax.set_xlabel('epoch'); ax.set_ylabel('training loss'); ax.legend(); ax.grid(alpha=.3)
    fig.tight_layout(); fig.savefig(path, dpi=120); plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('runs', nargs='+', metavar='RUN_DIR:GPUS[:WALL_SECONDS]')
    p.add_argument('--out', required=True); p.add_argument('--plot'); p.add_argument('--title', default='Data-parallel training')
    p.add_argument('--note', default='')
    a = p.parse_args(argv)
    runs = []
    for spec in a.runs:
        parts = spec.rsplit(':', 2) if spec.count(':') >= 2 else spec.rsplit(':', 1)
        if len(parts) < 2 or not parts[1].isdigit(): p.error(f'{spec!r}: expected RUN_DIR:GPUS[:WALL_SECONDS]')
        runs.append({'dir': parts[0], 'gpus': int(parts[1]), 'wall': float(parts[2]) if len(parts) > 2 else None})
    md, rows = report(runs, a.title, a.note)
    if a.plot:
        plot(rows, a.plot)
        md += f'\n![training loss by epoch]({Path(a.plot).name})\n'
    Path(a.out).write_text(md)
    print(md)


if __name__ == '__main__':
    main()
