"""The main job end to end in one cold process: a raw sheet -> converted -> trained (default config) -> test split evaluated.

Runs `python main.py train data.input=SHEET ...` (what README's main-job command does, on a model you name) in a fresh
process, times it from outside, and reads the run's own records for where the time went: before training (imports,
conversion, model load), the training loop (its validation passes listed), the test evaluation at the end
(`eval.after_training`). With `--check-eval` it then runs `fg-tuner eval RUN` (a second process that loads the saved
model from disk) and counts the test rows whose answer differs from the in-process evaluation's.

    python benchmarks/bench_main_job.py --model /tmp/standin --check-eval

Prints one markdown table row per run and appends its JSON to `--results` (default: none).
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def run(cmd:list, log:Path, env=None) -> float:
    "Run `cmd` from the repository root, output to `log`; its wall seconds (raises on failure, with the log's tail)."
    t0 = time.perf_counter()
    with open(log, 'w') as fh: p = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
    secs = time.perf_counter() - t0
    if p.returncode: raise SystemExit(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n" + ''.join(open(log).readlines()[-30:]))
    return secs

def read_jsonl(path:Path) -> list: return [json.loads(l) for l in path.read_text().splitlines() if l.strip()] if path.is_file() else []

def job_record(run_dir:Path, wall:float) -> dict:
    "Where the process's time went, from the run folder's records."
    info, metrics = json.loads((run_dir/'run_info.json').read_text()), json.loads((run_dir/'metrics.json').read_text())
    test, val = metrics.get('test') or {}, read_jsonl(run_dir/'validation.jsonl')
    train_fn = info.get('wall_time_s') or 0.0          # train(): from its start to the saved model
    return {'process_s': round(wall, 1), 'train_function_s': train_fn, 'training_loop_s': metrics.get('train_runtime_s'),
            'first_step_s': metrics.get('first_step_s'), 'validation_s': [v.get('seconds') for v in val], 'test_eval_s': test.get('seconds'),
            'outside_train_function_s': round(wall - train_fn - (test.get('seconds') or 0.0), 1),
            'steps': info.get('global_step'), 'stopped_early': info.get('stopped_early'), 'method': info.get('method'),
            'selected_step': (info.get('selected_checkpoint') or {}).get('step'), 'test_rows': test.get('n'),
            'exact': test.get('exact_accuracy'), 'tool': test.get('tool_accuracy'), 'arg_f1': test.get('arg_f1'),
            'train_rows': (info.get('data') or {}).get('train', {}).get('rows'),
            'compile_layers': info.get('compile_layers'), 'compile': info.get('compile')}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--model', required=True, help='model.name_or_path (e.g. /tmp/standin, or google/functiongemma-270m-it)')
    ap.add_argument('--input', default='data/raw/hr_routing.xlsx', help='the raw sheet (data.input)')
    ap.add_argument('--work', default='/tmp/fg_main_job', help='where runs and logs go')
    ap.add_argument('--name', default='main-job', help='training.run_name')
    ap.add_argument('--check-eval', action='store_true', help='then run `fg-tuner eval RUN` and compare its answers with the in-process ones')
    ap.add_argument('--results', default=None, help='append the JSON record to this file')
    ap.add_argument('overrides', nargs='*', help='more config overrides key=value')
    a = ap.parse_args(argv)
    work = Path(a.work); work.mkdir(parents=True, exist_ok=True)
    over = [f'data.input={a.input}', f'model.name_or_path={a.model}', f'training.output_dir={work}/outputs', f'training.run_name={a.name}',
            'logging.wandb_mode=disabled', *a.overrides]
    env = {**os.environ, 'PYTHONUNBUFFERED': '1'}
    cmd = [sys.executable, 'main.py', 'train', *over]
    wall = run(cmd, work/f'{a.name}.log', env)
    run_dir = work/'outputs'/a.name
    rec = {'command': 'python main.py train ' + ' '.join(over), 'date': time.strftime('%Y-%m-%d %H:%M'), **job_record(run_dir, wall)}
    if a.check_eval:
        ewall = run([sys.executable, 'main.py', 'eval', '--model', str(run_dir), '--out', str(work/f'{a.name}-eval')], work/f'{a.name}-eval.log', env)
        mem = [p['output'] for p in read_jsonl(run_dir/'eval/predictions.jsonl')]
        disk = [p['output'] for p in read_jsonl(work/f'{a.name}-eval/predictions.jsonl')]
        rep = json.loads((work/f'{a.name}-eval/report.json').read_text())
        rec['separate_eval'] = {'process_s': round(ewall, 1), 'rows': len(disk), 'answers_differing': sum(x != y for x, y in zip(mem, disk)) + abs(len(mem) - len(disk)),
                                'exact': rep['metrics']['exact_accuracy']}
    if a.results:
        with open(a.results, 'a') as fh: fh.write(json.dumps(rec) + '\n')
    f = lambda v: 'n/a' if v is None else f'{100 * v:.1f}%'
    vs = rec['validation_s']
    print('| process s | before and after train() s | training loop s | validation passes s | test eval s | steps (kept) | exact | tool | arg F1 |')
    print('| ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: |')
    print(f"| {rec['process_s']} | {rec['outside_train_function_s']} | {rec['training_loop_s'] and round(rec['training_loop_s'], 1)} | "
          f"{', '.join(str(s) for s in vs) or '-'} | {rec['test_eval_s']} | {rec['steps']} ({rec['selected_step']}) | {f(rec['exact'])} | {f(rec['tool'])} | "
          f"{'n/a' if rec['arg_f1'] is None else round(rec['arg_f1'], 3)} |")
    if 'separate_eval' in rec: print(f"separate `fg-tuner eval`: {rec['separate_eval']}")
    print(json.dumps(rec))

if __name__ == '__main__': main()
