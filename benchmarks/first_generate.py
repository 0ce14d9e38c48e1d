"""The first generation of a cold process against the next ones: which part is warm-up.

    python benchmarks/first_generate.py default RUN      # RUN: a trained run folder with a test.jsonl
    python benchmarks/first_generate.py nocudnn RUN      # the same with cuDNN attention off
    python benchmarks/first_generate.py flashonly RUN    # cuDNN and math attention off

Prints the load time, the first constraint build, and three generations of the run's test rows (then two of 32 rows).
"""
import sys, time, torch
t0 = time.time()
from fg_tuner.generate import HFGenerator
from fg_tuner.evaluate import read_test_set
from fg_tuner.runs import find_run_file
from fg_tuner.constrain import ToolConstraint
mode, run = sys.argv[1], sys.argv[2]
if mode == 'nocudnn': torch.backends.cuda.enable_cudnn_sdp(False)
if mode == 'flashonly': torch.backends.cuda.enable_cudnn_sdp(False); torch.backends.cuda.enable_math_sdp(False)
t = time.time(); g = HFGenerator.load(run, batch_size=256, max_new_tokens=64); torch.cuda.synchronize(); print(mode, 'import', round(t - t0, 2), 'load', round(time.time() - t, 2), flush=True)
rows = read_test_set(find_run_file(run, 'test.jsonl'))
t = time.time(); ToolConstraint.for_prompt(rows[0]['prompt'], g.tok, 'auto'); print(mode, 'first constraint', round(time.time() - t, 2), flush=True)
prompts = [r['prompt'] for r in rows]
for k in range(3):
    t = time.time(); g.generate(prompts); torch.cuda.synchronize(); print(mode, 'generate', k, len(prompts), 'rows', round(time.time() - t, 2), 's', flush=True)
for k in range(2):
    t = time.time(); g.generate(prompts[:32]); torch.cuda.synchronize(); print(mode, 'generate 32 rows', k, round(time.time() - t, 2), 's', flush=True)
