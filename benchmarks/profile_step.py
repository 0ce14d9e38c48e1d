"""Profile a few optimizer steps of a real training run with the PyTorch profiler.

    python benchmarks/profile_step.py [--start 12] [--steps 5] [--out FILE] [KEY=VALUE ...]

Trains exactly like `fg-tuner train KEY=VALUE ...` (same config files, same trainer) and records steps
START+1 .. START+STEPS on the main process: wall time, GPU kernel time (the total PyTorch's own table reports),
kernels per step, and the op tables sorted by GPU time and by CPU time. Under `accelerate launch` only the main
process records (its step includes the all-reduce and any wait for the other GPUs). Pick START after warm-up and
STEPS inside one epoch (the epoch-end evaluation would land in the window), e.g. `training.max_steps=18` with the
defaults. The profiler slows the CPU side down: read its step times relative to each other, and take real step
times from a run's `step_time_s` (benchmarks/bench_ddp.sh).

Output: FILE (default outputs/profile_<run name>.txt) and one `PROFILE {json}` line on stdout.
"""
import argparse, json, os, sys, time
from pathlib import Path


def summary(key_averages, wall_s:float, steps:int, world:int=1) -> dict:
    "Per-step numbers from a profiler's `key_averages()`: GPU time counted as PyTorch's table counts it (kernels only)."
    from torch.autograd import DeviceType
    gpu = [e for e in key_averages if e.device_type != DeviceType.CPU and not getattr(e, 'is_user_annotation', False)]
    gpu_s = sum(e.self_device_time_total for e in gpu) / 1e6
    cpu_s = sum(e.self_cpu_time_total for e in key_averages) / 1e6
    return {'steps': steps, 'world_size': world, 'wall_s_per_step': round(wall_s / steps, 4),
            'gpu_kernel_s_per_step': round(gpu_s / steps, 4), 'gpu_kernel_share_of_wall': round(gpu_s / wall_s, 3),
            'cpu_op_s_per_step': round(cpu_s / steps, 4), 'gpu_kernels_per_step': sum(e.count for e in gpu) // steps}


def make_callback(start:int, steps:int, out:Path, tag:str):
    import torch
    from transformers import TrainerCallback
    cuda = torch.cuda.is_available()
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    acts = [torch.profiler.ProfilerActivity.CPU] + ([torch.profiler.ProfilerActivity.CUDA] if cuda else [])

    class ProfileSteps(TrainerCallback):
        "Record optimizer steps start+1 .. start+steps on the main process; write the tables when done."
        prof, t0, done = None, 0.0, False
        def on_step_begin(self, args, state, control, **kw):
            if state.global_step == start and self.prof is None and not self.done and state.is_world_process_zero:
                sync(); self.prof = torch.profiler.profile(activities=acts); self.prof.__enter__(); self.t0 = time.perf_counter()
        def on_step_end(self, args, state, control, **kw):
            if self.prof is None or state.global_step != start + steps: return
            sync(); wall = time.perf_counter() - self.t0
            self.prof.__exit__(None, None, None)
            ka = self.prof.key_averages()
            s = {'tag': tag, 'device': torch.cuda.get_device_name() if cuda else 'cpu', 'first_step': start + 1,
                 **summary(ka, wall, steps, int(os.environ.get('WORLD_SIZE', 1)))}
            out.parent.mkdir(parents=True, exist_ok=True)
            tables = ([('GPU', 'self_device_time_total')] if cuda else []) + [('CPU', 'self_cpu_time_total')]
            out.write_text(json.dumps(s) + ''.join(f'\n\n== ops by self {name} time\n' + ka.table(sort_by=key, row_limit=40, max_name_column_width=70)
                                                   for name, key in tables) + '\n', encoding='utf-8')
            print('PROFILE', json.dumps(s), f'-> {out}', flush=True)
            self.prof, self.done = None, True
        def on_train_end(self, args, state, control, **kw):
            if self.prof is not None:
                self.prof.__exit__(None, None, None); self.prof = None
                print(f'profile_step: training ended before step {start + steps}: nothing written (lower --start or raise training.max_steps)',
                      file=sys.stderr, flush=True)
    return ProfileSteps()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], usage=__doc__.split('\n\n')[1].strip())
    p.add_argument('--start', type=int, default=12, help='optimizer steps to run before recording (default 12)')
    p.add_argument('--steps', type=int, default=5, help='optimizer steps to record (default 5)')
    p.add_argument('--out', help='report file (default outputs/profile_<run name>.txt)')
    a, overrides = p.parse_known_args(argv)
    if a.start < 1 or a.steps < 1: p.error('--start and --steps must be at least 1')
    from fg_tuner.config import config_from_args
    from fg_tuner.errors import FgTunerError
    from fg_tuner.trainer import train
    try: cfg = config_from_args(overrides)
    except FgTunerError as e: p.error(str(e))
    tag = cfg.training.run_name or 'run'
    out = Path(a.out or f'outputs/profile_{tag}.txt')
    cb = make_callback(a.start, a.steps, out, tag)
    train(cfg, callbacks=[cb])
    return 0 if cb.done or int(os.environ.get('RANK', 0)) != 0 else 1   # only the main process records


if __name__ == '__main__':
    sys.exit(main())
