"""Profile (cProfile) the first two validation passes inside a short training run of the HR sheet on the stand-in.

    python benchmarks/profile_validation.py /tmp/standin
"""
import cProfile, pstats, io, sys, time
import fg_tuner.callbacks as cb
orig, n = cb.ValidationCallback.score, [0]
def score(self, model):
    n[0] += 1
    if n[0] > 2: return orig(self, model)
    p = cProfile.Profile(); t = time.time(); p.enable()
    try: return orig(self, model)
    finally:
        p.disable(); s = io.StringIO(); pstats.Stats(p, stream=s).sort_stats('cumulative').print_stats(45)
        print(f'=== validation pass {n[0]}: {time.time() - t:.2f} s', flush=True); print(s.getvalue()[:9000], flush=True)
cb.ValidationCallback.score = score
from fg_tuner.config import load_config
from fg_tuner.trainer import train
train(load_config('base_config', ['data.input=data/raw/hr_routing.xlsx', f'model.name_or_path={sys.argv[1]}', 'training.output_dir=/tmp/prof',
                                   'training.run_name=prof', 'logging.wandb_mode=disabled', 'training.max_steps=24', 'training.eval_steps=12',
                                   'eval.after_training=false', 'training.stop_when_perfect=false']))
