#!/usr/bin/env python
"""Quality benchmark: convert -> train -> eval through the `fg-tuner` CLI, one table row per (dataset, test set, config).

    python benchmarks/bench_quality.py --smoke                       # every dataset, tiny random model, CPU, minutes
    python benchmarks/bench_quality.py --model /tmp/standin --configs default,handtuned --time-limit 560
    python benchmarks/bench_quality.py --plan --model /tmp/standin   # build + convert, print the token budget, no training
    python benchmarks/bench_quality.py --report                      # benchmarks/quality.jsonl -> benchmarks/quality.md

Datasets (built into --work, never into the repository; the public ones are skipped, with the reason, when the
shared datasets folder is absent):

- `sgd_router`: Schema-Guided Dialogue services as one router (>= 20 tools named `<service>_<intent>`), a seeded
  sample of at most --sgd-train-per-tool train.csv rows per tool, tested on dev.csv rows of the same services;
- `sgd_unseen`: the same training run, tested on dev.csv rows of the services absent from train.csv, with only
  those services declared in the test prompts (`fg-tuner convert` with their tools file);
- `clinc150`: one CLINC150 domain (15 intents as tools without arguments) plus out-of-scope queries (label `none`);
- `hr_routing`, `crm_agent`: the project's sample sheets (data/raw), split by `fg-tuner convert` (test_size 0.2).

Robustness (for the configs in --robust-configs): the same test rows with the declarations shuffled in every
prompt, with --robust-distractors unrelated declarations added (from a pool disjoint from the one that the
`distractors` config trains with), and `tool removed`: each row that calls a tool, without that tool's
declaration, where the right answer is to decline (does the router read the declarations?). Constrained decoding (for the configs in --unconstrained-configs): the "as is"
rows evaluated once more with `fg-tuner eval --no-constrain`, so the report shows exact calls, argument F1,
unparseable answers and rows/s with and without the constraint. Rows are appended to --results (JSONL) as each finishes; a re-run skips the
rows already there, so a run cut short keeps what it finished and the next call goes on from there.

On the lent GPU (../shared/gpu/README.md; the public data carried in as .carry/datasets, which git ignores):

    timeout 570 python3 benchmarks/bench_quality.py --model /tmp/standin --shared .carry/datasets --matrix gpu12 \\
        --time-limit 540 --set training.gradient_checkpointing=false \\
        --results /tmp/fg_quality/quality.jsonl --out /tmp/fg_quality/quality.md

`--time-limit` starts no (dataset, config) group whose estimate (from the rates measured so far) does not fit;
the same command again finishes the rest. `--plan` prints the estimates without training.
"""
import argparse, concurrent.futures, functools, hashlib, json, math, os, platform, re, shlex, shutil, subprocess, sys, threading, time
from pathlib import Path
import quality_data as qd

ROOT = Path(__file__).resolve().parents[1]

CONFIGS = {
    'default': [],
    'handtuned': ['lora.r=64', 'lora.alpha=128', 'training.learning_rate=6e-4', 'training.num_train_epochs=10'],
    'lora': ['training.method=lora'],
    'epochs6': ['training.num_train_epochs=6'],
    'lr5e-5': ['training.learning_rate=5e-5'],
    'lr5e-6': ['training.learning_rate=5e-6'],
    'lr6e-4': ['training.method=lora', 'training.learning_rate=6e-4'],
    'r64': ['lora.r=64', 'lora.alpha=128'],
    'distractors': ['data.distractors=4'],
    'full_loss': ['training.completion_only_loss=false'],
    'augment': ['data.augment=3'],
    'shuffle': ['data.shuffle_tools=true'],
    'noshuffle': ['data.shuffle_tools=false'],
    'rename': ['data.rename_tools=0.3'],
    'renamekeys': ['data.rename_keys=0.3'],
    'renameall': ['data.rename_tools=0.3', 'data.rename_keys=0.3'],
    'nocall0': ['data.no_call_share=0'],
    'early2': ['training.early_stopping_patience=2'],
    'group32': ['data.shuffle_group=32'],
    'perrow': ['data.shuffle_group=1'],
    'undeclared': ['data.undeclared=0.2'],
}
"""Named configs: `fg-tuner train` overrides (`data.*` ones go to `fg-tuner convert` of the training set). `rename`: 30% of the training rows declare and call made-up tool names
(`fg_tuner.dataset.rename_declarations`); `renamekeys` 30% with made-up argument keys (`data.rename_keys`), and `renameall`
both, each row picked for each on its own. `augment`: up to
3 more training rows per train row, with the argument values the request spells out swapped for other values of the
same argument (`fg_tuner.dataset.augment_train`); the test rows are never touched, and augmented rows whose request
equals a request of the dataset's test sets are dropped from the training file (counted in the row's data). `nocall0`:
the out-of-scope training rows as read, as before the recipe repeated them up to 20% of the rows (`fg_tuner.recipe.repeat_no_call`).
`early2`: training stops when two validation evaluations in a row bring no better score (`training.early_stopping_patience=2`).
`group32`: one declaration order per seeded group of 32 training rows instead of one per row (`data.shuffle_group=32`), so
shared-prefix batches have a prefix to share (`training.shared_prefix=auto` decides whether to use it); the default since
GPU session 15, where `perrow` (`data.shuffle_group=1`) is the default before it. `undeclared`: for
20% of the training rows that call a tool, a copy without that tool's declaration that declines and, since GPU session 15,
its twin without another declaration that still calls (`data.undeclared=0.2`, `fg_tuner.dataset.undeclared_rows`); the
`tool removed` robustness test measures what it is for."""
TRAIN_DATA_KEYS = ('data.val_size', 'data.no_call_share')
"`data.*` keys the trainer's recipe reads (`fg-tuner train` gets them, not `fg-tuner convert`)."
def is_convert_override(o:str) -> bool: return o.startswith('data.') and not o.startswith(tuple(k + '=' for k in TRAIN_DATA_KEYS))
def config_overrides(name:str) -> list:
    "A config's overrides; `NAME@seedN` is config NAME trained with `training.seed=N` (same data, same splits): a repeat that shows the spread."
    base, _, seed = name.partition('@seed')
    return CONFIGS[base] + ([f'training.seed={int(seed)}'] if seed else [])

def is_config(name:str) -> bool:
    base, at, seed = name.partition('@seed')
    return base in CONFIGS and (not at or seed.isdigit())

CONFIG_GROUPS = {'core': ['default', 'handtuned', 'distractors'],
                 'sweep': ['lora', 'lr5e-5', 'lr5e-6', 'epochs6', 'r64', 'lr6e-4', 'full_loss', 'augment', 'shuffle'],
                 'all': list(CONFIGS)}
DATASETS = ['sgd_router', 'sgd_unseen', 'clinc150', 'hr_routing', 'crm_agent']
MATRICES = {
    'gpu12': 'default:all; distractors:sgd_router,sgd_unseen; handtuned:sgd_router,sgd_unseen',
    'gpu-rest': 'handtuned:clinc150,hr_routing,crm_agent; distractors:clinc150,hr_routing,crm_agent; sweep:hr_routing,clinc150',
    'sweep1': 'lora,lr5e-5,distractors,shuffle,augment:hr_routing,clinc150',
    'sweep2': 'default,noshuffle,lora,distractors,augment:hr_routing,clinc150; default,lora:sgd_router,sgd_unseen',
    'sweep3': 'default@seed1,noshuffle@seed1,lora,lora@seed1:hr_routing,clinc150; default,rename:sgd_router,sgd_unseen; rename,distractors,augment:hr_routing,clinc150; lora:sgd_router,sgd_unseen',
    'sweep4': 'default,rename:sgd_router,sgd_unseen; rename,default@seed1,noshuffle@seed1:hr_routing,clinc150; distractors,augment,lora:hr_routing,clinc150',
    'sweep5': 'default,rename:sgd_router,sgd_unseen; noshuffle@seed1:hr_routing,clinc150; default@seed1:hr_routing; distractors,augment,lora:hr_routing,clinc150',
    'sweep6': 'default,rename:sgd_router,sgd_unseen; default:hr_routing,clinc150; nocall0@seed1,default@seed1:hr_routing,clinc150',
    'sweep7': 'default@seed1,rename@seed1:sgd_router,sgd_unseen; default,early2:hr_routing,clinc150; early2:sgd_router,sgd_unseen; nocall0@seed1,default@seed1:hr_routing,clinc150',
    'sweep8': 'default:sgd_router,sgd_unseen,hr_routing,clinc150; early2:sgd_router,sgd_unseen,hr_routing,clinc150; default@seed1:sgd_router,sgd_unseen,hr_routing',
    'sweep9': 'default,rename,renameall:sgd_router,sgd_unseen; renameall:hr_routing,clinc150; default@seed1:hr_routing,clinc150',
    'sweep10': 'default,rename:sgd_router,sgd_unseen; default@seed1,rename:hr_routing',
    'sweep11': 'undeclared,default@seed1:sgd_router,sgd_unseen; undeclared,default@seed1:hr_routing; default:clinc150',
}
"""Named `--matrix` presets: `configs:datasets` pairs, run in this order (`gpu12` is the first GPU sweep, about 12 minutes by the --plan
estimate; `sweep1` the next one: the five changes to the default most likely to matter, on the two datasets that train fastest,
about 35 GPU minutes one after the other, less with `--parallel 4`: its first eight groups took 9.5 minutes four at a time;
`sweep2` the one after `data.shuffle_tools` became the default: the new default against the old, LoRA, distractors and
augmentation, and SGD; `sweep3` what GPU session 5 left of it, with the default, `noshuffle` and `lora` trained
with a second seed first, since two runs of one config differed by up to 10.7 points; then `rename`, 30% of the
training rows with made-up tool names, on SGD's unseen services first); `sweep4` the same, the two long SGD trainings first so that they run beside the rest, and `rename` before the seed repeats; `sweep5` what session 6 left: the two SGD trainings, which five trainings at once on one GPU had slowed past the limit (run it with `--parallel 3` or less), then the seed repeats it did not finish; `sweep6` the same SGD trainings beside the default after the recipe began repeating out-of-scope rows (`data.no_call_share`), then `nocall0` and seed repeats; `sweep7` the SGD pair again with a second seed (the first evaluation ran out of memory, `benchmarks/quality.md`), the default with its constrained/unconstrained comparison, and `early2` against it; `sweep8` the default after string values began to be held to the request's words (`eval.spans`, its 'as is, free strings' rows the comparison), `early2` beside it, then seed repeats; `sweep9` made-up argument keys (`renameall`: tools and keys) against `rename` (tools only) and the
default on SGD (the default repeated: one seed's spread is part of the comparison), then on the sheets and CLINC150;
`sweep10` `rename` (made-up tool names only) against the default again, on SGD and the HR sheet, the rows now with
their failures by kind and the checkpoint each training kept (session 9's `rename` run was cut by the limit); `sweep11`
`undeclared` with its contrast twins against a second seed of the grouped default (`data.shuffle_group=32`) on SGD and
the HR sheet, then the default on CLINC150 (run it with `--robust-configs default,undeclared`: the "tool removed" and
"+6 unrelated" rows are what `undeclared` is judged by). Under the recipe's default (full fine-tuning for a 270M model)
the LoRA-only configs name `training.method=lora` or a LoRA rank, which makes the recipe choose LoRA."""
TEST_AS_IS, TEST_SHUFFLED, TEST_UNCONSTRAINED, TEST_FREE_STRINGS = 'as is', 'shuffled', 'as is, unconstrained', 'as is, free strings'
TEST_REMOVED = 'tool removed'
"Robustness: each test row that calls a tool, without that tool's declaration; the right answer is to decline (does the router read the declarations?)"
EVAL_VARIANTS = {TEST_UNCONSTRAINED: ['--no-constrain'], TEST_FREE_STRINGS: ['--spans', 'off']}
"The 'as is' rows evaluated again, in a call of their own, with these `fg-tuner eval` flags."
TEST_CONVERT = ['data.shuffle_tools=false', 'data.rename_tools=0', 'data.rename_keys=0', 'data.augment=0']
"Added to every conversion of a test file: its rows land in the converter's train.jsonl, whose declarations `data.shuffle_tools` (the default) would reorder per row and `data.rename_tools` / `data.rename_keys` rename; a test set lists them as the file does, as a deployment sends them."
BASE_OVERRIDES = ['logging.wandb_mode=disabled', 'logging.sample_generations=0', 'eval.after_training=false']
"Added to every training: no W&B, no sample generation during training, no test evaluation in the training process (each test set is evaluated by `fg-tuner eval`, timed on its own)."
SMOKE = dict(model='tiny', configs='default', sgd_train_per_tool=2, sgd_max_test=8, clinc_train_per_tool=2, clinc_oos_train=4,
             clinc_max_test=8, clinc_oos_test=4, sheet_max_test=8, max_new_tokens=16, eval_batch=8,
             smoke_overrides=['training.max_steps=2', 'training.per_device_train_batch_size=2'])

def distractor_name(n:int) -> str: return f'+{n} unrelated'

def drop_test_requests(rows:list, tests:list) -> tuple:
    "`(rows, dropped)`: the training rows without the augmented ones whose request equals a test request (case and spacing ignored)."
    held = {qd.norm_prompt(r['user_content']) for r in tests}
    keep = [r for r in rows if 'augmented_from' not in r or qd.norm_prompt(r['user_content']) not in held]
    return keep, len(rows) - len(keep)

# -- small utilities -------------------------------------------------------------------------------------------

def sha(obj, n:int=10) -> str: return hashlib.sha1(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:n]

def q(s) -> str: return shlex.quote(str(s))

def q_work(s, work:str) -> str:
    "`s` quoted for a shell, with the work folder written as `$WORK` (double quotes where quoting is needed)."
    s = str(s).replace(work, '$WORK') if work else str(s)
    if re.fullmatch(r'[\w@%+=:,./$-]+', s): return s
    return '"' + re.sub(r'(["\\`])', r'\\\1', s) + '"' if '$WORK' in s else shlex.quote(s)

class Runner:
    "Runs CLI commands from the repository root, logs them, and writes commands with the work folder as `$WORK`."
    def __init__(self, cli:str, work:Path, verbose:bool=False):
        self.cli, self.work, self.verbose = shlex.split(cli), work, verbose
        self.cli_text = cli
        env = dict(os.environ)
        env['PYTHONPATH'] = os.pathsep.join([str(ROOT)] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p])
        for k, v in (('PYTHONUNBUFFERED', '1'), ('HF_HUB_OFFLINE', '1'), ('TRANSFORMERS_OFFLINE', '1'),
                     ('HF_DATASETS_OFFLINE', '1'), ('WANDB_MODE', 'disabled')): env.setdefault(k, v)
        self.env = env

    def show(self, args:list) -> str:
        "The command as text, runnable from the repository root once WORK is set."
        return ' '.join([self.cli_text] + [q_work(a, str(self.work)) for a in args])

    def run(self, args:list, log:Path) -> tuple:
        "(seconds, command text); raises RuntimeError with the log's tail when the command fails."
        log.parent.mkdir(parents=True, exist_ok=True)
        text = self.show(args)
        print(f'  $ {text}', flush=True)
        t0 = time.perf_counter()
        with open(log, 'w', encoding='utf-8') as f:
            f.write(f'# {text}\n'); f.flush()
            p = subprocess.run(self.cli + [str(a) for a in args], cwd=str(ROOT), env=self.env, stdout=f, stderr=subprocess.STDOUT)
        secs = time.perf_counter() - t0
        if p.returncode != 0:
            tail = ''.join(log.read_text(encoding='utf-8', errors='replace').splitlines(True)[-15:])
            raise RuntimeError(f'exit code {p.returncode} after {secs:.0f}s: {text}\n--- {log} (last lines) ---\n{tail}')
        if self.verbose: print(log.read_text(encoding='utf-8', errors='replace'))
        return secs, text

def device_name() -> str:
    "The GPU name from nvidia-smi, else the CPU (no torch import: the benchmark process stays light)."
    try:
        out = subprocess.run(['nvidia-smi', '--query-gpu=name', '--format=csv,noheader'], capture_output=True, text=True, timeout=20)
        names = [l.strip() for l in out.stdout.splitlines() if l.strip()]
        if out.returncode == 0 and names: return f"{len(names)}x {names[0]}" if len(names) > 1 else names[0]
    except (OSError, subprocess.SubprocessError): pass
    return f"CPU ({platform.machine()}, {os.cpu_count()} cores)"

def read_results(path:Path) -> list:
    if not path.exists(): return []
    return [json.loads(l) for l in path.read_text(encoding='utf-8').splitlines() if l.strip()]

_RESULTS_LOCK = threading.Lock()

def append_result(path:Path, rec:dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _RESULTS_LOCK, open(path, 'a', encoding='utf-8') as f: f.write(json.dumps(rec, ensure_ascii=False) + '\n')

# -- datasets --------------------------------------------------------------------------------------------------

def prepare_datasets(a, names:list) -> tuple:
    "({name: dataset spec}, {name: reason skipped}): build the data files each selected dataset needs."
    specs, skipped = {}, {}
    shared, looked = qd.find_shared(a.shared, ROOT)
    need = lambda sub: shared is not None and (shared/sub).is_dir()
    data = a.work/'data'
    if {'sgd_router', 'sgd_unseen'} & set(names):
        if not need('sgd'):
            for n in ('sgd_router', 'sgd_unseen'):
                if n in names: skipped[n] = f"no Schema-Guided Dialogue data: no sgd/ folder in {shared or ' or '.join(looked)} (pass --shared DIR)"
        else:
            params = dict(min_tools=a.sgd_min_tools, train_per_tool=a.sgd_train_per_tool, max_test=a.sgd_max_test, seed=a.seed)
            man = qd.build_sgd(shared/'sgd', data/'sgd', **params)
            f = man['files']
            train = {'input': f['train'], 'tools': f['router_tools'], 'overrides': ['data.test_size=0']}
            common = dict(train_id='sgd', train=train, params=params, manifest=man, pool_train=f['pool_train'], pool_test=f['pool_test'])
            specs['sgd_router'] = dict(common, name='sgd_router', robust=True,
                                       test={'input': f['test_router'], 'tools': f['router_tools'], 'overrides': ['data.test_size=0']})
            specs['sgd_unseen'] = dict(common, name='sgd_unseen', robust=False,
                                       test={'input': f['test_unseen'], 'tools': f['unseen_tools'], 'overrides': ['data.test_size=0']})
    if 'clinc150' in names:
        if not need('clinc150'): skipped['clinc150'] = f"no CLINC150 data: no clinc150/ folder in {shared or ' or '.join(looked)} (pass --shared DIR)"
        else:
            params = dict(domain=a.clinc_domain, train_per_tool=a.clinc_train_per_tool, oos_train=a.clinc_oos_train,
                          max_test=a.clinc_max_test, oos_test=a.clinc_oos_test, seed=a.seed)
            man = qd.build_clinc(shared/'clinc150', data/'clinc150', **params)
            f = man['files']
            specs['clinc150'] = dict(name='clinc150', train_id='clinc150', robust=True, string_args=False, params=params, manifest=man,
                                     train={'input': f['train'], 'tools': f['tools'], 'overrides': ['data.test_size=0']},
                                     test={'input': f['test'], 'tools': f['tools'], 'overrides': ['data.test_size=0']},
                                     pool_train=f['pool_train'], pool_test=f['pool_test'])
    sheets = {'hr_routing': (ROOT/'data/raw/hr_routing.xlsx', None), 'crm_agent': (ROOT/'data/raw/crm_agent.xlsx', ROOT/'data/raw/crm_tools.yaml')}
    for n, (xlsx, tools) in sheets.items():
        if n not in names: continue
        if not xlsx.exists(): skipped[n] = f'{xlsx} not found'; continue
        pools = qd.generic_pools(data/'generic_pools')
        params = dict(input=str(xlsx.relative_to(ROOT)), test_size=0.2, max_test=a.sheet_max_test, seed=a.seed)
        specs[n] = dict(name=n, train_id=n, robust=True, params=params, split=True,
                        manifest={'dataset': n, 'source': str(xlsx.relative_to(ROOT)), 'tools_file': str(tools.relative_to(ROOT)) if tools else 'the workbook\'s tools sheet',
                                  'params': params, 'distractor_pool_train': 'GENERIC_TOOLS[0::2]', 'distractor_pool_test': 'GENERIC_TOOLS[1::2]'},
                        train={'input': str(xlsx.relative_to(ROOT)), 'tools': str(tools.relative_to(ROOT)) if tools else None, 'overrides': []},
                        pool_train=pools['pool_train'], pool_test=pools['pool_test'])
    return specs, skipped

# -- the pipeline ----------------------------------------------------------------------------------------------

class Bench:
    def __init__(self, a, runner:Runner):
        self.a, self.r, self.work = a, runner, a.work
        self.rates = {'train_tok_s': [], 'train_over': [], 'eval_rows_s': [], 'eval_over': []}
        self._tok = None

    # conversions ------------------------------------------------------------------------------------------
    def convert(self, src:dict, extra:list=()) -> dict:
        "Run `fg-tuner convert` for `src` (+ extra overrides) once; `{'dir', 'report', 'command'}`."
        over = list(src['overrides']) + list(extra)
        ident = {'input': src['input'], 'tools': src['tools'], 'overrides': over, 'tokenizer': self.a.model}
        out = self.work/'conv'/f"{Path(src['input']).stem}-{sha(ident, 8)}"
        args = ['convert', src['input']] + (['--tools', src['tools']] if src['tools'] else []) + \
               ['--out', str(out), '--no-dataset', '--tokenizer', self.a.model] + over
        done = out/'report.json'
        if done.exists() and (out/'command.txt').exists():
            return {'dir': out, 'report': json.loads(done.read_text(encoding='utf-8')), 'command': (out/'command.txt').read_text(encoding='utf-8').strip(), 'seconds': 0.0}
        secs, text = self.r.run(args, self.work/'logs'/f'{out.name}.convert.log')
        (out/'command.txt').write_text(text + '\n', encoding='utf-8')
        return {'dir': out, 'report': json.loads(done.read_text(encoding='utf-8')), 'command': text, 'seconds': secs}

    def convert_test(self, src:dict, extra:list=()) -> dict:
        "`convert` for a test file (`data.test_size=0`: its rows land in train.jsonl), declarations kept in the file's order."
        return self.convert(src, list(extra) + TEST_CONVERT)

    def train_data(self, ds:dict, cfg_over:list, members=()) -> dict:
        "The training set of `ds` for a config: a folder holding only train.jsonl (no test rows to evaluate during training)."
        data_over = [o for o in cfg_over if is_convert_override(o)]
        if any(o.startswith('data.distractors=') and o.split('=', 1)[1] not in ('0', '') for o in data_over) and \
           not any(o.startswith('data.distractor_tools=') for o in data_over):
            data_over.append(f"data.distractor_tools={ds['pool_train']}")
        c = self.convert(ds['train'], data_over)
        if ds.get('split') and data_over:   # the sample sheets: training rows must be the same as without the overrides
            base = self.convert(ds['train'])
            if not qd.same_rows(qd.read_jsonl(base['dir']/'test.jsonl'), qd.read_jsonl(c['dir']/'test.jsonl')):
                raise AssertionError(f"{ds['name']}: {data_over} changed the converter's train/test split")
        tdir = c['dir']/'train_only'
        tdir.mkdir(exist_ok=True)
        rows, dropped = qd.read_jsonl(c['dir']/'train.jsonl'), 0
        if not ds.get('split') and any('augmented_from' in r for r in rows):
            # the converter keeps augmented rows off its own test split; these datasets are tested on other files
            tests = [r for m in [ds, *members] for r in qd.read_jsonl(self.convert_test(m['test'])['dir']/'train.jsonl')]
            rows, dropped = drop_test_requests(rows, tests)
        qd.write_jsonl(tdir/'train.jsonl', rows)
        return {**c, 'train_dir': tdir, 'data_overrides': data_over, 'augmented_dropped': dropped,
                'augmented': (c['report'].get('augmented') or {}).get('rows', 0) - dropped}

    def tests(self, ds:dict, robust:bool, names=None) -> list:
        "[(test name, jsonl path, info)] for `ds`: as is, and (robust) shuffled and with unrelated declarations added."
        n_dis = self.a.robust_distractors
        dis = [f'data.distractors={n_dis}', f"data.distractor_tools={ds['pool_test']}"]
        out = []
        if ds.get('split'):   # the sample sheets: the converter's own split; the variants re-run it with the same seed
            base = self.convert(ds['train'])
            src, rows = base['dir']/'test.jsonl', qd.read_jsonl(base['dir']/'test.jsonl')
            cmd_note = base['command'] + '  # test.jsonl'
            path = src
            if self.a.sheet_max_test and len(rows) > self.a.sheet_max_test:
                path = base['dir']/f'test_sample{self.a.sheet_max_test}.jsonl'
                qd.subsample_jsonl(src, path, self.a.sheet_max_test, self.a.seed)
                cmd_note += f' (seeded sample of {self.a.sheet_max_test} rows)'
            out.append((TEST_AS_IS, path, {'command': cmd_note, 'report': base['report'], 'tools_json': base['dir']/'tools.json'}))
            if robust:
                d = self.convert(ds['train'], dis)
                drows = qd.read_jsonl(d['dir']/'test.jsonl')
                if not qd.same_rows(rows, drows): raise AssertionError(f"{ds['name']}: the conversion with distractors split the rows differently")
                dpath = d['dir']/'test.jsonl'
                if path != src:
                    dpath = d['dir']/path.name
                    qd.subsample_jsonl(d['dir']/'test.jsonl', dpath, self.a.sheet_max_test, self.a.seed)
                out.append((distractor_name(n_dis), dpath, {'command': d['command'] + '  # test.jsonl', 'report': d['report']}))
        else:
            base = self.convert_test(ds['test'])
            path = base['dir']/'train.jsonl'   # test_size=0: every row of the test file lands in train.jsonl
            out.append((TEST_AS_IS, path, {'command': base['command'] + '  # train.jsonl holds the test rows (data.test_size=0)',
                                           'report': base['report'], 'tools_json': base['dir']/'tools.json'}))
            if robust:
                d = self.convert_test(ds['test'], dis)
                if not qd.same_rows(qd.read_jsonl(path), qd.read_jsonl(d['dir']/'train.jsonl')):
                    raise AssertionError(f"{ds['name']}: the test conversion with distractors holds different rows")
                out.append((distractor_name(n_dis), d['dir']/'train.jsonl', {'command': d['command'] + '  # train.jsonl', 'report': d['report']}))
        if robust:
            p0, info0 = out[0][1], out[0][2]
            sp = p0.with_name(p0.stem + f'_shuffled{self.a.seed}.jsonl')
            st = qd.shuffled_copy(p0, info0['tools_json'], sp, self.a.seed)
            out.insert(1, (TEST_SHUFFLED, sp, {'command': f"benchmarks/quality_data.py shuffled_copy({p0.name}, seed={self.a.seed}): "
                                                          f"each prompt re-rendered by fg_tuner.formatter.format_example with its declarations in a seeded random order",
                                              'report': info0['report'], 'unchanged_order': st['unchanged_order']}))
            rp = p0.with_name(p0.stem + '_removed.jsonl')
            qd.removed_copy(p0, info0['tools_json'], rp)
            out.insert(2, (TEST_REMOVED, rp, {'command': f"benchmarks/quality_data.py removed_copy({p0.name}): each row that calls a tool, "
                                                         f"re-rendered without that tool's declaration, expected to decline", 'report': info0['report']}))
        for v, flags in EVAL_VARIANTS.items():   # the same rows, evaluated with other `fg-tuner eval` flags
            if names is not None and v in names:
                out.append((v, out[0][1], {**out[0][2], 'command': out[0][2]['command'] + f"  (evaluated with {' '.join(flags)})"}))
        return [t for t in out if names is None or t[0] in names]

    # training and evaluation ------------------------------------------------------------------------------
    def resolved(self, over:list):
        from fg_tuner.config import load_config
        return load_config('base_config', over, config_dir=ROOT/'configs')

    def train_args(self, ds:dict, config:str, td:dict) -> tuple:
        tl = td['report'].get('token_lengths') or {}
        msl = tl.get('recommended_max_seq_length') or 4096
        run_name = f"{ds['train_id']}__{config}"
        over = [f"data.input={td['train_dir']/'train.jsonl'}", f'model.name_or_path={self.a.model}', f'model.max_seq_length={msl}',
                f'training.engine={self.a.engine}', f"training.output_dir={self.work/'runs'}"]
        over += BASE_OVERRIDES + list(self.a.smoke_overrides) + list(self.a.set) + [o for o in config_overrides(config) if not is_convert_override(o)]
        run_name += '-' + sha(over, 8)
        return ['train', f'training.run_name={run_name}'] + over, self.work/'runs'/run_name, msl

    def estimate(self, ds:dict, config:str, td:dict, tests:list) -> float:
        "Seconds the group (training + evaluations) should take, from the measured rates (or the assumed ones)."
        args, _, _ = self.train_args(ds, config, td)
        cfg = self.resolved([a for a in args[1:] if not a.startswith('data.input=')])
        tl = td['report'].get('token_lengths') or {}
        rows, mean = td['report']['train'] + td.get('augmented', 0), tl.get('mean') or td['report']['char_lengths']['mean'] / 3
        t = cfg.training
        if t.max_steps > 0: tokens = t.max_steps * (t.per_device_train_batch_size or 16) * mean
        elif t.num_train_epochs: tokens = rows * mean * t.num_train_epochs
        else:   # left to the recipe (fg_tuner.recipe): about RECIPE.target_steps steps of ~16 rows, as whole epochs within its bounds
            from fg_tuner.recipe import RECIPE
            tokens = rows * mean * min(RECIPE.max_epochs, max(RECIPE.min_epochs, round(RECIPE.target_steps * 16 / max(rows, 1))))
        med = lambda k, d: sorted(self.rates[k])[len(self.rates[k]) // 2] if self.rates[k] else d
        est = med('train_over', self.a.assume_train_overhead) + tokens / med('train_tok_s', self.a.assume_train_tokens_per_s)
        n = sum(len(qd.read_jsonl(p)) for _, p, _ in tests)
        calls = len(tests) if self.a.separate_evals else 1
        est += calls * med('eval_over', self.a.assume_eval_overhead) + n / med('eval_rows_s', self.a.assume_eval_rows_per_s)
        return est, tokens

    def train(self, ds:dict, config:str, td:dict) -> dict:
        args, run_dir, msl = self.train_args(ds, config, td)
        info = run_dir/'run_info.json'
        reused = info.exists() and json.loads(info.read_text(encoding='utf-8')).get('status') == 'finished' and (run_dir/'bench_train.json').exists()
        if reused:
            rec = json.loads((run_dir/'bench_train.json').read_text(encoding='utf-8')); rec['reused'] = True
            return rec
        if run_dir.exists(): shutil.rmtree(run_dir)
        secs, text = self.r.run(args, self.work/'logs'/f'{run_dir.name}.train.log')
        m = json.loads((run_dir/'metrics.json').read_text(encoding='utf-8'))
        ri = json.loads(info.read_text(encoding='utf-8'))
        rec = {'run_dir': str(run_dir), 'command': text, 'wall_s': round(secs, 1), 'train_runtime_s': m.get('train_runtime_s'),
               'global_step': m.get('global_step'), 'epoch': m.get('epoch'), 'first_loss': m.get('first_loss'), 'final_loss': m.get('final_loss'),
               'tokens_per_epoch': (m.get('data') or {}).get('train_tokens_per_epoch'), 'rows': ri['data']['train']['kept'],
               'skipped_too_long': ri['data']['train'].get('skipped_too_long'), 'max_seq_length': msl,
               'peak_gpu_memory_gb': m.get('peak_gpu_memory_gb'), 'engine': ri.get('engine'), 'dtype': ri.get('dtype'), 'reused': False,
               'spans': ((ri.get('recipe') or {}).get('eval.spans') or {}).get('value'), 'stopped_early': m.get('stopped_early', ri.get('stopped_early')),
               'validation': validation_record(m.get('validation'))}
        if rec['train_runtime_s'] and rec['tokens_per_epoch']:
            ep = rec['epoch'] or 0
            self.rates['train_tok_s'].append(rec['tokens_per_epoch'] * ep / rec['train_runtime_s'])
            self.rates['train_over'].append(max(0.0, secs - rec['train_runtime_s']))
        (run_dir/'bench_train.json').write_text(json.dumps(rec, indent=1) + '\n', encoding='utf-8')
        return rec

    def tokenizer(self):
        if self._tok is None:
            from fg_tuner.models import offline_tokenizer
            self._tok = offline_tokenizer(self.a.model, fallback=True)
            if self._tok is None: raise RuntimeError(f'no tokenizer for {self.a.model} available offline')
        return self._tok

    def completion_tokens(self, path:Path) -> list:
        "Token counts of the expected completions of a JSONL's rows."
        from fg_tuner.dataset import token_lengths
        return token_lengths([r['completion'] for r in qd.read_jsonl(path)], self.tokenizer())

    def budget(self, td:dict) -> int:
        "`--max-new-tokens`, or with `auto` 1.5 x the longest training completion + 16 (at least 32, at most 128)."
        if self.a.max_new_tokens != 'auto': return int(self.a.max_new_tokens)
        longest = max(self.completion_tokens(td['train_dir']/'train.jsonl'))
        return int(min(128, max(32, math.ceil(1.5 * longest) + 16)))

    def evaluate(self, run_dir:Path, tests:list, name:str, budget:int, extra=()) -> list:
        "One `fg-tuner eval` over all `tests` [(name, path)] (or one each with --separate-evals), `extra` added to its arguments; a result per test."
        if self.a.separate_evals and len(tests) > 1:
            return [self.evaluate(run_dir, [t], f"{name}__{t[0].replace(' ', '_').replace('+', 'p').replace(',', '')}", budget, extra)[0] for t in tests]
        from fg_tuner.evaluate import compute_metrics
        spans, rows = [], []
        for test, path in tests:
            rs = qd.read_jsonl(path)
            spans.append((test, len(rows), len(rows) + len(rs), path)); rows += rs
        data = tests[0][1] if len(tests) == 1 else qd.write_jsonl(self.work/'eval_sets'/f'{name}.jsonl', rows)
        out = self.work/'eval'/name
        args = ['eval', '--model', str(run_dir), '--data', str(data), '--out', str(out), '--batch-size', str(self.a.eval_batch),
                '--max-new-tokens', str(budget), '--engine', self.a.engine] + list(extra)
        secs, text = self.r.run(args, self.work/'logs'/f'{name}.eval.log')
        rep = json.loads((out/'report.json').read_text(encoding='utf-8'))
        preds = qd.read_jsonl(out/'predictions.jsonl')
        if len(preds) != len(rows): raise RuntimeError(f'{out}: {len(preds)} predictions for {len(rows)} rows')
        tm = rep['timing']
        self.rates['eval_rows_s'].append(len(rows) / tm['seconds'] if tm['seconds'] else 1e9)
        self.rates['eval_over'].append(max(0.0, secs - tm['seconds']))
        res = []
        for test, a0, b0, path in spans:
            m = rep['metrics'] if len(tests) == 1 else compute_metrics(preds[a0:b0])
            over = sum(n > budget for n in self.completion_tokens(path))
            metrics = {'n': m['n'], 'tool_accuracy': m['tool_accuracy'], 'exact_accuracy': m['exact_accuracy'],
                       'arg_precision': m['arguments']['precision'], 'arg_recall': m['arguments']['recall'], 'arg_f1': m['arguments']['f1'],
                       'macro_f1': m['macro_f1'], 'oos_n': m['out_of_scope']['n'], 'oos_accuracy': m['out_of_scope']['accuracy'],
                       'false_refusal_rate': m['in_scope']['false_refusal_rate'], 'in_scope_tool_accuracy': m['in_scope']['tool_accuracy'],
                       'unparseable_rate': m['unparseable']['rate'], 'failures': m.get('failures')}
            note = '' if len(tests) == 1 else f'  # rows {a0 + 1}-{b0} of {len(rows)} are this test set; metrics: fg_tuner.evaluate.compute_metrics of those rows of predictions.jsonl'
            res.append({'test': test, 'metrics': metrics,
                        'eval': {'wall_s': round(secs, 1), 'generate_s': tm['seconds'], 'rows_per_s': tm['rows_per_second'],
                                 'call_rows': len(rows), 'call_tests': len(tests), 'max_new_tokens': budget,
                                 'expected_longer_than_budget': over, 'out_dir': str(out), 'command': text + note}})
            if over: print(f'   warning: {over} rows of {test} expect a completion longer than --max-new-tokens {budget}')
        return res

# -- the run ---------------------------------------------------------------------------------------------------

CHANGED_DEFAULTS = ['data.shuffle_tools', 'recipe.no_call_share', 'recipe.span_share', 'data.augment', 'data.shuffle_group', 'training.compile_layers']
"Config defaults that changed after rows were measured: their values are part of a row's setup, so a row measured under the old default is neither skipped as done nor reported with the new one."

def current_defaults() -> dict:
    "The values of `CHANGED_DEFAULTS` in this checkout's config schema."
    from fg_tuner.config import load_config
    from fg_tuner.recipe import RECIPE
    cfg = load_config('base_config', [])
    return {k: getattr(RECIPE if k.startswith('recipe.') else getattr(cfg, k.split('.')[0]), k.split('.')[1]) for k in CHANGED_DEFAULTS}

def setup_of(a) -> dict:
    "What the rows' numbers depend on besides dataset and config (the skip key and the report's sections)."
    return {'model': a.model, 'engine': a.engine, 'base_overrides': BASE_OVERRIDES + list(a.smoke_overrides) + list(a.set),
            'max_new_tokens': a.max_new_tokens, 'eval_batch': a.eval_batch, 'robust_distractors': a.robust_distractors,
            'smoke': a.smoke, 'defaults': current_defaults()}

def test_names(ds:dict, robust:bool, n_dis:int, unconstrained:bool=False, free_strings:bool=False) -> list:
    return [TEST_AS_IS] + ([TEST_SHUFFLED, TEST_REMOVED, distractor_name(n_dis)] if robust else []) + ([TEST_UNCONSTRAINED] if unconstrained else []) + \
           ([TEST_FREE_STRINGS] if free_strings and ds.get('string_args', True) else [])

def row_key(setup:dict, ds:dict, test:str, config:str) -> str:
    return sha({'setup': setup, 'dataset': ds['name'], 'params': ds['params'], 'test': test, 'config': config}, 16)

def data_info(ds:dict, td:dict, tinfo:dict) -> dict:
    tr, te = td['report'], tinfo['report']
    tok = lambda r: {k: (r.get('token_lengths') or {}).get(k) for k in ('p50', 'max')}
    return {'tools': len(te['tools']), 'train_tools': len(tr['tools']), 'train_rows': tr['train'], 'train_rejected': tr['rejected'],
            'train_augmented': td.get('augmented', 0), 'augmented_dropped_test_overlap': td.get('augmented_dropped', 0),
            'train_out_of_scope': tr['out_of_scope']['train'], 'train_tokens': tok(tr), 'test_tokens': tok(te),
            'test_source': tinfo['command'], 'manifest': {k: v for k, v in ds['manifest'].items() if k not in ('files', 'train_rows_per_tool')}}

def bench_command(a, ds:str, config:str) -> str:
    "The benchmark call that redoes one (dataset, config) group (its training and all its test sets)."
    skip = {'--datasets', '--configs', '--matrix', '--results', '--out', '--work', '--time-limit', '--report', '--plan', '--shared', '--cli', '--parallel'}
    argv, keep, i = list(a.argv), [], 0
    while i < len(argv):
        x = argv[i]
        if x.split('=', 1)[0] in skip:
            i += 1 if '=' in x or x in ('--report', '--plan') else 2; continue
        keep.append(x); i += 1
    return ' '.join(['python3 benchmarks/bench_quality.py'] + [q(x) for x in keep] + ['--datasets', ds, '--configs', config])

def train_and_eval(a, b, base:dict, label:str, tid:str, config:str, members:list, td:dict, todo:list) -> int:
    "Train one group and evaluate all its test sets; append a row per test set to --results. Returns the failures (0/1)."
    def fail(what, e, items):
        print(f'FAILED {what} {label}: {e}')
        for ds, test, _, _, key in items:
            append_result(a.results, {**base, 'key': key, 'dataset': ds['name'], 'test': test, 'params': ds['params'],
                                      'error': f'{what}: ' + str(e).splitlines()[0], 'finished': time.strftime('%Y-%m-%d %H:%M:%S')})
        return 1
    try: tr = b.train(members[0], config, td)
    except RuntimeError as e: return fail('training', e, todo)
    budget = b.budget(td)
    name = f"{tid}__{config}-{sha([k for *_, k in todo], 8)}"
    con = [t for t in todo if t[1] not in EVAL_VARIANTS]
    calls = [(con, name, [])] + [([t for t in todo if t[1] == v], f"{name}__{v.split(', ')[-1].replace(' ', '_')}", flags)
                                 for v, flags in EVAL_VARIANTS.items()]   # each variant a call of its own, with its flags
    calls = [c for c in calls if c[0]]
    try:
        evs = [ev for items, nm, flags in calls
               for ev in b.evaluate(Path(tr['run_dir']), [(f'{ds["name"]}/{test}', path) for ds, test, path, _, _ in items], nm, budget, flags)]
    except RuntimeError as e: return fail('evaluation', e, todo)
    for (ds, test, path, tinfo, key), ev in zip([t for items, _, _ in calls for t in items], evs):
        rec = {**base, 'key': key, 'dataset': ds['name'], 'test': test, 'params': ds['params'],
               'bench_command': bench_command(a, ds['name'], config), 'metrics': ev['metrics'],
               'eval': {k: v for k, v in ev['eval'].items() if k != 'command'}, 'train': {k: v for k, v in tr.items() if k != 'command'},
               'data': data_info(ds, td, tinfo), 'unchanged_order': tinfo.get('unchanged_order'),
               'commands': {'convert_train': td['command'], 'test': tinfo['command'], 'train': tr['command'], 'eval': ev['eval']['command']},
               'finished': time.strftime('%Y-%m-%d %H:%M:%S')}
        append_result(a.results, rec)
        m = ev['metrics']
        print(f"   {ds['name']:<11} {test:<13} {config:<11} tool {fmt_pct(m['tool_accuracy'])}  exact {fmt_pct(m['exact_accuracy'])}  "
              f"arg-F1 {fmt_f(m['arg_f1'])}  oos {fmt_pct(m['oos_accuracy'])}  unparseable {fmt_pct(m['unparseable_rate'])}"
              + (f"  not exact: {', '.join(f'{k} {v}' for k, v in m['failures'].items())}" if m.get('failures') else ''), flush=True)
    return 0

def run(a) -> int:
    names = [n for n in DATASETS if any(n in ds for _, ds in a.matrix)]
    setup = setup_of(a)
    specs, skipped = prepare_datasets(a, names)
    for n, why in skipped.items(): print(f'skip {n}: {why}')
    b = Bench(a, Runner(a.cli, a.work, a.verbose))
    done = {r['key'] for r in read_results(a.results) if 'error' not in r}
    dev, t_start, failures, planned = device_name(), time.perf_counter(), 0, []
    pool = concurrent.futures.ThreadPoolExecutor(a.parallel) if a.parallel > 1 and not a.plan else None
    futures, queued_est = [], 0.0
    print(f'device: {dev}; model {a.model}; results -> {a.results}; work {a.work}')
    for config, dsets in a.matrix:
        groups = {}   # datasets that share a training (sgd_router, sgd_unseen) form one group
        for n in DATASETS:
            if n in dsets and n in specs: groups.setdefault(specs[n]['train_id'], []).append(specs[n])
        for tid, members in groups.items():
            todo, label = [], f"{'+'.join(m['name'] for m in members)} / {config}"
            try:   # data for the group (CPU only): the test sets, the training set, the time estimate
                for ds in members:
                    rb = ds['robust'] and config in a.robust_configs
                    keys = {t: row_key(setup, ds, t, config) for t in test_names(ds, rb, a.robust_distractors, config in a.unconstrained_configs,
                                                                              config in a.free_string_configs)}
                    left = [t for t, k in keys.items() if k not in done]
                    if left: todo += [(ds, test, path, tinfo, keys[test]) for test, path, tinfo in b.tests(ds, rb, left)]
                if not todo:
                    print(f'== {label}: all rows already in {a.results.name}'); continue
                td = b.train_data(members[0], config_overrides(config), members[1:])
                est, tokens = b.estimate(members[0], config, td, [(t, p, i) for _, t, p, i, _ in todo])
            except (RuntimeError, AssertionError, OSError, ValueError) as e:
                print(f'FAILED preparing the data of {label}: {e}'); failures += 1; continue
            n_rows = sum(len(qd.read_jsonl(p)) for _, _, p, _, _ in todo)
            planned.append((label, td['report']['train'] + td['augmented'], (td['report'].get('token_lengths') or {}).get('p50'), tokens, len(todo), n_rows, est))
            if a.plan: continue
            left = a.time_limit - (time.perf_counter() - t_start) if a.time_limit else None
            queued = (queued_est + est) / a.parallel if a.parallel > 1 else est
            if left is not None and queued > left:
                print(f'== {label}: skipped, needs ~{est:.0f}s and {left:.0f}s are left of --time-limit {a.time_limit:.0f}'); continue
            queued_est += est
            print(f'== {label}: {td["report"]["train"]} training rows' + (f' (+{td["augmented"]} augmented)' if td['augmented'] else '') + f', ~{tokens / 1e6:.2f}M tokens to train, '
                  f'{len(todo)} test sets of {n_rows} rows; estimate {est:.0f}s', flush=True)
            base = {'setup_id': sha(setup, 8), 'setup': setup, 'config': config, 'overrides': config_overrides(config),
                    'data_overrides': td['data_overrides'], 'device': dev, 'cli': a.cli, 'parallel': a.parallel}
            job = functools.partial(train_and_eval, a, b, base, label, tid, config, members, td, todo)
            if pool is None: failures += job()
            else: futures.append(pool.submit(job))
    if pool is not None:
        failures += sum(f.result() for f in futures); pool.shutdown()
    if planned:
        print('\n| group | train rows | train prompt tokens p50 | tokens to train | test sets | test rows | estimated s |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
        for label, rows, p50, tokens, nt, nr, est in planned: print(f'| {label} | {rows} | {p50} | {tokens / 1e6:.2f}M | {nt} | {nr} | {est:.0f} |')
        print(f"| total | | | {sum(p[3] for p in planned) / 1e6:.2f}M | {sum(p[4] for p in planned)} | {sum(p[5] for p in planned)} | {sum(p[6] for p in planned):.0f} |")
        print(f"(estimates: training {a.assume_train_tokens_per_s:,.0f} tokens/s + {a.assume_train_overhead:.0f}s a run, evaluation "
              f"{a.assume_eval_rows_per_s:g} rows/s + {a.assume_eval_overhead:.0f}s a call; measured rates replace them as rows finish)")
    print(f'elapsed {time.perf_counter() - t_start:.0f}s')
    if not a.plan and not a.no_report: write_report(a.results, a.out, skipped)
    return 1 if failures else 0

# -- the report ------------------------------------------------------------------------------------------------

def fmt_pct(v): return '-' if v is None else f'{100 * v:.1f}%'
def fmt_f(v): return '-' if v is None else f'{v:.3f}'

def in_scope_tool_accuracy(m:dict):
    "Tool accuracy over the rows that expect a call (rows from before it was stored: from the overall and out-of-scope rates and counts)."
    if m.get('in_scope_tool_accuracy') is not None or not m.get('oos_n'): return m.get('in_scope_tool_accuracy', m['tool_accuracy'])
    n, k = m['n'], m['oos_n']
    return round(m['tool_accuracy'] * n - m['oos_accuracy'] * k) / (n - k) if n > k else None
def fmt_s(v): return '-' if v is None else f'{v:.0f}'

def validation_record(v:dict|None) -> dict|None: # metrics.json's `validation` (`fg_tuner.trainer.validation_summary`)
    "The step a training kept and every validation score on the way (exact calls, argument F1): which checkpoint a row's model is."
    if not v: return None
    r = lambda x: None if x is None else round(x, 4)
    return {'selected_step': v.get('selected_step'), 'selected_by': v.get('selected_by'),
            'history': [[h['step'], r(h.get('exact_accuracy')), r(h.get('arg_f1'))] for h in v.get('history') or []]}

def train_run(r:dict) -> tuple:
    "Which training a row's model came from: its run folder (the same name in every session) and that training's times."
    t = r.get('train') or {}
    return (t.get('run_dir'), t.get('wall_s'), t.get('train_runtime_s'))
def label_runs(rows:list) -> list:
    "Rows with `label`: the config, and `(run N)` after it where one key was trained more than once (in order of finishing)."
    runs = {}
    for r in sorted(rows, key=lambda r: r.get('finished') or ''):
        k = runs.setdefault(r['key'], [])
        if train_run(r) not in k: k.append(train_run(r))
    return [r | {'label': r['config'] + (f" (run {runs[r['key']].index(train_run(r)) + 1})" if len(runs[r['key']]) > 1 else '')} for r in rows]

def write_report(results:Path, out:Path, skipped:dict|None=None) -> Path:
    "Turn the JSONL rows into the markdown report (`--report`)."
    rows = read_results(results)
    ok = [r for r in rows if 'error' not in r]
    bad = [r for r in rows if 'error' in r and r['key'] not in {x['key'] for x in ok}]
    latest = {}
    for r in ok: latest[(r['key'], train_run(r))] = r   # a training evaluated twice: the later evaluation counts
    ok = label_runs(list(latest.values()))
    order = {n: i for i, n in enumerate(DATASETS)}
    tests = lambda t: (0 if t == TEST_AS_IS else 1 if t == TEST_SHUFFLED else 3 if t == TEST_UNCONSTRAINED else 4 if t == TEST_REMOVED else 2, t)
    cfg_order = {n: i for i, n in enumerate(CONFIGS)}
    ok.sort(key=lambda r: (order.get(r['dataset'], 99), tests(r['test']), cfg_order.get(r['config'].partition('@seed')[0], 99), r['config']))
    setups = {}
    for r in ok: setups.setdefault(r['setup_id'], []).append(r)
    L = ['## Quality: convert -> train -> eval through the CLI', '',
         'Every row: the dataset converted by `fg-tuner convert`, a run of `fg-tuner train` with the config\'s overrides, '
         'then `fg-tuner eval` on the test set (greedy decoding). Exact call = right tool and exactly the expected arguments; '
         'argument P/R/F1 over (tool.key, value) pairs with case and spacing ignored; tool accuracy counts a declined '
         'out-of-scope request as right, and in brackets is over the rows that expect a call; out-of-scope = requests that must get no '
         'call, declined; unparseable = output that starts a call but does not parse. Train wall s and eval wall s are whole '
         'processes (imports, loading, saving); one `fg-tuner eval` call covers all the test sets of a training (its rows in '
         'brackets; each test set\'s metrics are `fg_tuner.evaluate.compute_metrics` of its rows of that call\'s predictions.jsonl), '
         'and eval rows/s is that call\'s generation only. Made by `benchmarks/bench_quality.py` '
         '(rows in `' + results.name + '`); the last column redoes a row\'s training and all its test sets.', '']
    if not ok: L += ['*No rows yet.*', '']
    for sid, rs in setups.items():
        s = rs[0]['setup']
        dates = sorted(r['finished'] for r in rs)
        L += [f"### Model `{s['model']}`, engine {s['engine']}{' (SMOKE RUN: tiny random model, the numbers mean nothing)' if s.get('smoke') else ''}", '',
              f"Device: {rs[0]['device']}; {dates[0][:10]}{' to ' + dates[-1][:10] if dates[-1][:10] != dates[0][:10] else ''}. "
              f"Defaults then: `{' '.join(f'{k}={json.dumps(v)}' for k, v in (s.get('defaults') or {'data.shuffle_tools': False}).items())}`. "
              f"Added to every training: `{' '.join(s['base_overrides'])}`; `model.max_seq_length` per dataset from the "
              f"converter's `recommended_max_seq_length`. Evaluation: greedy, batch {s['eval_batch']}, at most "
              + (f"{s['max_new_tokens']} new tokens" if s['max_new_tokens'] != 'auto' else
                 f"1.5 x the longest training completion + 16 new tokens (32 to 128; here {', '.join(sorted({str(r['eval']['max_new_tokens']) for r in rs}, key=int))})")
              + (f"; {sum(r['eval'].get('expected_longer_than_budget', 0) for r in rs)} test rows expect more than that" if any(r['eval'].get('expected_longer_than_budget') for r in rs) else '') + '.', '',
              '| dataset | test set | config | tool acc (in scope) | exact call | arg P / R / F1 | out-of-scope declined | unparseable | train wall s | eval wall s | eval rows/s | reproduce |',
              '| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |']
        for r in rs:
            m, e, t = r['metrics'], r['eval'], r['train']
            oos = f"{fmt_pct(m['oos_accuracy'])} of {m['oos_n']}" if m['oos_n'] else '-'
            tw = fmt_s(t['wall_s']) + (' (shared)' if r['dataset'] == 'sgd_unseen' or r['test'] != TEST_AS_IS else '')
            ew = fmt_s(e['wall_s']) + (f" ({e['call_rows']} rows)" if e.get('call_tests', 1) > 1 else '')
            if r.get('parallel', 1) > 1: tw, ew = tw + f" [x{r['parallel']}]", ew + f" [x{r['parallel']}]"
            tool = fmt_pct(m['tool_accuracy']) + (f' ({fmt_pct(in_scope_tool_accuracy(m))})' if m['oos_n'] else '')
            L.append(f"| {r['dataset']} | {r['test']} ({m['n']}) | {r['label']} | {tool} | {fmt_pct(m['exact_accuracy'])} | "
                     f"{fmt_f(m['arg_precision'])} / {fmt_f(m['arg_recall'])} / {fmt_f(m['arg_f1'])} | {oos} | {fmt_pct(m['unparseable_rate'])} | "
                     f"{tw} | {ew} | {e['rows_per_s']:.1f} | `{r['bench_command']}` |")
        L += ['', '(shared): the training is the one of the row above with the same config (sgd_unseen is tested on the '
              'sgd_router training; robustness rows reuse the training of their "as is" row).'] + (
              ['[xN]: run with `--parallel N`, N groups at once on one GPU: a shared-GPU wall time, longer than alone; '
               'the accuracy columns do not depend on it.'] if any(r.get('parallel', 1) > 1 for r in rs) else []) + ['']
        # failures by kind (rows measured since `fg_tuner.evaluate.failure_kind`)
        fk = [r for r in rs if r['metrics'].get('failures') is not None]
        if fk:
            from fg_tuner.evaluate import FAILURE_KINDS
            kinds = [k for k in FAILURE_KINDS if any(k in r['metrics']['failures'] for r in fk)]
            L += ['#### Failures by kind', '', 'Rows that are not exact calls, by the first thing wrong with them '
                  '(`fg_tuner.evaluate.failure_kind`; the eval report\'s "Failures by kind").', '',
                  '| dataset | test set | config | not exact | ' + ' | '.join(kinds) + ' |', '| --- | --- | --- | ---: |' + ' ---: |' * len(kinds)]
            for r in fk:
                f = r['metrics']['failures']
                L.append(f"| {r['dataset']} | {r['test']} | {r['label']} | {sum(f.values())} of {r['metrics']['n']} | " + ' | '.join(str(f.get(k, 0)) for k in kinds) + ' |')
            L.append('')
        # robustness: drops on the same rows
        same = lambda r: (r['dataset'], r['config'], train_run(r))   # the same training's rows
        base = {same(r): r for r in rs if r['test'] == TEST_AS_IS}
        rob = [r for r in rs if r['test'] != TEST_AS_IS and r['test'] not in EVAL_VARIANTS and same(r) in base]
        if rob:
            variants = sorted({r['test'] for r in rob}, key=tests)
            L += ['#### Robustness: the same test rows, declarations shuffled or unrelated ones added', '',
                  'Exact-call accuracy, and in brackets the change against the same rows as converted (points). Shuffled: every '
                  'prompt lists the declarations in its own seeded random order (re-rendered by `fg_tuner.formatter.format_example`). '
                  'Unrelated declarations come from a pool disjoint from the one the `distractors` config trains with '
                  '(SGD: other services; CLINC150: another domain; sample sheets: the odd half of `GENERIC_TOOLS`). '
                  f'{TEST_REMOVED}: each row that calls a tool, without that tool\'s declaration; the cell is the share declined '
                  '(the right answer), with no change given.', '',
                  '| dataset | config | as is | ' + ' | '.join(variants) + ' |', '| --- | --- | ---: |' + ' ---: |' * len(variants)]
            for k0, r0 in base.items():
                cells = []
                for v in variants:
                    rv = next((r for r in rob if same(r) == k0 and r['test'] == v), None)
                    if rv is None: cells.append('-'); continue
                    if v == TEST_REMOVED: cells.append(f"{fmt_pct(rv['metrics']['exact_accuracy'])} declined"); continue
                    d = 100 * (rv['metrics']['exact_accuracy'] - r0['metrics']['exact_accuracy'])
                    cells.append(f"{fmt_pct(rv['metrics']['exact_accuracy'])} ({d:+.1f})")
                if any(c != '-' for c in cells):
                    L.append(f"| {r0['dataset']} | {r0['label']} | {fmt_pct(r0['metrics']['exact_accuracy'])} | " + ' | '.join(cells) + ' |')
            L.append('')
        # constrained decoding (the default) against --no-constrain, on the same rows and training
        unc = {same(r): r for r in rs if r['test'] == TEST_UNCONSTRAINED and same(r) in base}
        if unc:
            L += ['#### Constrained decoding against unconstrained', '',
                  'The "as is" test rows of the same training, evaluated a second time with `fg-tuner eval --no-constrain` (its own call): '
                  'exact calls, argument F1, unparseable answers and the call\'s generation rows/s, constrained (the default) / unconstrained.', '',
                  '| dataset | config | exact call | arg F1 | out-of-scope declined | unparseable | eval rows/s |', '| --- | --- | --- | --- | --- | --- | --- |']
            for k0, ru in unc.items():
                r0 = base[k0]
                m0, m1 = r0['metrics'], ru['metrics']
                two = lambda f, k: f'{f(m0[k])} / {f(m1[k])}'
                L.append(f"| {r0['dataset']} | {r0['label']} | {two(fmt_pct, 'exact_accuracy')} | {two(fmt_f, 'arg_f1')} | "
                         f"{two(fmt_pct, 'oos_accuracy') if m0['oos_n'] else '-'} | {two(fmt_pct, 'unparseable_rate')} | "
                         f"{r0['eval']['rows_per_s']:.1f} / {ru['eval']['rows_per_s']:.1f} |")
            L.append('')
        # values from the request (the recipe's eval.spans) against --spans off, on the same rows and training
        fre = {same(r): r for r in rs if r['test'] == TEST_FREE_STRINGS and same(r) in base}
        if fre:
            L += ['#### String values from the request against free strings', '',
                  'The "as is" test rows of the same training, evaluated a second time with `fg-tuner eval --spans off` (its own call): '
                  'exact calls, argument precision / recall / F1 and the call\'s generation rows/s, as the run decodes by default '
                  '(`eval.spans` as the recipe chose it, the "spans" column) / with free strings.', '',
                  '| dataset | config | spans | exact call | arg P | arg R | arg F1 | eval rows/s |', '| --- | --- | --- | --- | --- | --- | --- | --- |']
            for k0, rf in fre.items():
                r0 = base[k0]
                m0, m1 = r0['metrics'], rf['metrics']
                two = lambda f, k: f'{f(m0[k])} / {f(m1[k])}'
                L.append(f"| {r0['dataset']} | {r0['label']} | {'on' if r0['train'].get('spans') else 'off' if r0['train'].get('spans') is False else '?'} | "
                         f"{two(fmt_pct, 'exact_accuracy')} | {two(fmt_f, 'arg_precision')} | {two(fmt_f, 'arg_recall')} | {two(fmt_f, 'arg_f1')} | "
                         f"{r0['eval']['rows_per_s']:.1f} / {rf['eval']['rows_per_s']:.1f} |")
            L.append('')
        # repeats: NAME and NAME@seedN on the same test rows
        reps = {}
        for r in rs:
            if r['test'] == TEST_AS_IS: reps.setdefault((r['dataset'], r['config'].partition('@seed')[0]), []).append(r)
        reps = {k: sorted(v, key=lambda r: r['label']) for k, v in reps.items() if len(v) > 1}
        if reps:
            L += ['#### Repeats: the same config and data, other training seeds (`NAME@seedN`) or the same seed trained again (`(run N)`)', '',
                  'Exact-call accuracy of each run as is, their mean and range (points): what one run can and cannot tell apart.', '',
                  '| dataset | config | runs (seed: exact) | mean | range |', '| --- | --- | --- | ---: | ---: |']
            for (dsn, cfg), v in sorted(reps.items(), key=lambda kv: (order.get(kv[0][0], 99), cfg_order.get(kv[0][1], 99))):
                ex = [r['metrics']['exact_accuracy'] for r in v]
                seeds = ', '.join(f"{r['label'].partition('@seed')[2] or r['label']}: {fmt_pct(x)}" for r, x in zip(v, ex))
                L.append(f"| {dsn} | {cfg} | {seeds} | {fmt_pct(sum(ex) / len(ex))} | {100 * (max(ex) - min(ex)):.1f} |")
            L.append('')
        # datasets
        L += ['#### Datasets', '', '| dataset | tools declared (train / test) | train rows | test rows | prompt tokens p50 / max (train; test) | built from |',
              '| --- | --- | ---: | ---: | --- | --- |']
        first = {}
        for r in sorted((r for r in rs if r['test'] == TEST_AS_IS), key=lambda r: r['config'] != 'default'):
            first.setdefault(r['dataset'], r)
        for r in sorted(first.values(), key=lambda r: order.get(r['dataset'], 99)):
            d = r['data']
            L.append(f"| {r['dataset']} | {d['train_tools']} / {d['tools']} | {d['train_rows']} ({d['train_out_of_scope']} out of scope, {d['train_rejected']} rejected) | "
                     f"{r['metrics']['n']} ({r['metrics']['oos_n']} out of scope) | {d['train_tokens']['p50']} / {d['train_tokens']['max']}; "
                     f"{d['test_tokens']['p50']} / {d['test_tokens']['max']} | {describe(r)} |")
        L += ['', '#### Configs', '', '| config | overrides | training rows added by `data.augment` |', '| --- | --- | --- |']
        for c in sorted({r['config'] for r in rs}, key=lambda c: cfg_order.get(c, 99)):
            added = {r['dataset']: r['data'].get('train_augmented', 0) for r in rs if r['config'] == c and r['test'] == TEST_AS_IS}
            dropped = sum(r['data'].get('augmented_dropped_test_overlap', 0) for r in rs if r['config'] == c and r['test'] == TEST_AS_IS)
            L.append(f"| {c} | `{' '.join(config_overrides(c) if is_config(c) else []) or '(none: the package defaults)'}` | "
                     + (', '.join(f'{k} +{v}' for k, v in added.items()) + (f' ({dropped} dropped: their request is a test request)' if dropped else '')
                        if any(added.values()) else '-') + ' |')
        L += ['', '`data.*` overrides go to `fg-tuner convert` of the training set (with `data.distractor_tools` set to the '
              'dataset\'s training pool), the rest to `fg-tuner train`. `data.augment=N` adds up to N rows per train row with '
              'the argument values written in the request swapped for other values of the same argument; the test rows are '
              'never changed (the sample sheets: the converter augments after its split; SGD and CLINC150: augmented rows '
              'whose request equals a test request are dropped from the training file).', '']
        # commands
        L += ['<details><summary>CLI commands of every row (run from the repository root; WORK is the benchmark\'s --work folder)</summary>', '']
        by_run = {}
        for r in rs: by_run.setdefault(r['commands']['train'], []).append(r)
        for train_cmd, group in by_run.items():
            c0 = group[0]['commands']
            L += [f"**{' + '.join(dict.fromkeys(r['dataset'] for r in group))} / {group[0]['label']}**", '', '```bash',
                  '# training set', c0['convert_train'], train_cmd]
            for r in group: L += [f"# test set {r['dataset']} / {r['test']}: {r['commands']['test']}"]
            evals = list(dict.fromkeys(r['commands']['eval'].split('  # ')[0] for r in group))
            L += ['# evaluation' + (': one call on the test sets above, concatenated in that order (bench_quality.py writes the file)' if len(evals) == 1 and len(group) > 1 else '')] + evals + ['```', '']
        L += ['</details>', '']
    if bad:
        L += ['### Rows that failed', '', '| dataset | test set | config | error |', '| --- | --- | --- | --- |']
        L += [f"| {r['dataset']} | {r['test']} | {r['config']} | {r['error'][:200]} |" for r in bad] + ['']
    if skipped:
        L += ['### Skipped datasets', ''] + [f'- {k}: {v}' for k, v in skipped.items()] + ['']
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text('\n'.join(L), encoding='utf-8')
    print(f'report: {out}')
    return out

def describe(r:dict) -> str:
    m = r['data']['manifest']
    if m.get('dataset') == 'sgd':
        p = m['params']
        if r['dataset'] == 'sgd_unseen':
            return (f"SGD dev rows of the {len(m['unseen_services'])} services absent from train ({', '.join(m['unseen_services'])}), "
                    f"only their {m['unseen_tools']} tools declared; seeded sample of {p['max_test']}; trained as sgd_router")
        return (f"SGD: {len(m['router_services'])} services ({', '.join(m['router_services'])}), at most {p['train_per_tool']} "
                f"train.csv rows per tool (seeded); test: dev.csv rows of the {len(m['testable_services'])} services that have them, "
                f"seeded sample of {p['max_test']}, requests seen in training removed")
    if m.get('dataset') == 'clinc150':
        p = m['params']
        return (f"CLINC150 domain `{p['domain']}`: at most {p['train_per_tool']} train rows per intent + {p['oos_train']} oos_train; "
                f"test split + {p['oos_test']} oos_test (seeded)")
    return f"{m.get('source')} ({m.get('tools_file')}), the converter's split (test_size 0.2, seed 42)"

# -- command line ----------------------------------------------------------------------------------------------

def parse(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='configs: ' + '; '.join(f"{k} = {' '.join(v) or '(none)'}" for k, v in CONFIGS.items()) +
                                        '; groups: ' + '; '.join(f"{k} = {','.join(v)}" for k, v in CONFIG_GROUPS.items()))
    ap.add_argument('--model', default=None, help='base model for model.name_or_path (default standin; tiny with --smoke), e.g. /tmp/standin')
    ap.add_argument('--engine', default='hf', choices=['hf', 'unsloth', 'auto'], help='training.engine and eval --engine (default hf)')
    ap.add_argument('--cli', default='python3 main.py', help='command prefix that runs the CLI from the repository root (default "python3 main.py")')
    ap.add_argument('--datasets', default='all', help=f"comma-separated, from {','.join(DATASETS)} (default all)")
    ap.add_argument('--configs', default='core', help='comma-separated config names or groups (default core)')
    ap.add_argument('--matrix', default=None, help="instead of --configs/--datasets: 'CONFIGS:DATASETS; ...' pairs run in order, "
                                                   f"or a preset ({', '.join(MATRICES)})")
    ap.add_argument('--robust-configs', default='default,distractors', help='configs that also get the shuffled and unrelated-declarations test sets')
    ap.add_argument('--unconstrained-configs', default='default', help="configs whose 'as is' test set is also evaluated with `fg-tuner eval --no-constrain` ('none': no config)")
    ap.add_argument('--free-string-configs', default='default', help="configs whose 'as is' test set is also evaluated with `fg-tuner eval --spans off` "
                                                                    "(datasets with string arguments; 'none': no config)")
    ap.add_argument('--robust-distractors', type=int, default=6, help='unrelated declarations added to each robustness test prompt')
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='extra `fg-tuner train` overrides for every row (e.g. training.gradient_checkpointing=false)')
    ap.add_argument('--shared', default=None, help='the public datasets folder (default: ./shared/datasets, ../shared/datasets, /work/shared/datasets)')
    ap.add_argument('--work', type=Path, default=None, help='scratch folder for data, runs and reports (default /tmp/fg_quality, /tmp/fg_quality_smoke)')
    ap.add_argument('--results', type=Path, default=None, help='JSONL of rows (default benchmarks/quality.jsonl; WORK/quality_smoke.jsonl with --smoke)')
    ap.add_argument('--out', type=Path, default=None, help='markdown report (default benchmarks/quality.md; WORK/quality_smoke.md with --smoke)')
    ap.add_argument('--seed', type=int, default=0, help='sampling and shuffling seed of the benchmark data')
    g = ap.add_argument_group('per-dataset caps')
    g.add_argument('--sgd-min-tools', type=int, default=20)
    g.add_argument('--sgd-train-per-tool', type=int, default=20, help='train.csv rows per tool, at most (default 20; the issue allows up to 70)')
    g.add_argument('--sgd-max-test', type=int, default=300, help='dev rows per SGD test set (seeded sample)')
    g.add_argument('--clinc-domain', default='banking')
    g.add_argument('--clinc-train-per-tool', type=int, default=30)
    g.add_argument('--clinc-oos-train', type=int, default=100)
    g.add_argument('--clinc-max-test', type=int, default=300, help='in-scope test rows (of 450)')
    g.add_argument('--clinc-oos-test', type=int, default=100)
    g.add_argument('--sheet-max-test', type=int, default=400, help='test rows of the sample sheets (seeded sample when more)')
    g = ap.add_argument_group('evaluation')
    g.add_argument('--eval-batch', type=int, default=64)
    g.add_argument('--max-new-tokens', default='auto', help='generation budget per row; auto (default): 1.5 x the longest '
                                                            'training completion + 16 tokens, at least 32, at most 128')
    g.add_argument('--separate-evals', action='store_true', help='one `fg-tuner eval` call per test set (default: one per training, '
                                                                  'metrics of each test set from its rows of predictions.jsonl)')
    g = ap.add_argument_group('modes')
    g.add_argument('--smoke', action='store_true', help='tiny random model, training.max_steps=2, tiny caps: checks the pipeline on CPU')
    g.add_argument('--plan', action='store_true', help='build and convert only; print the training tokens and the time estimate of every group')
    g.add_argument('--report', action='store_true', help='only turn --results into --out')
    g.add_argument('--no-report', action='store_true', help='do not rewrite --out at the end')
    g.add_argument('--time-limit', type=float, default=None, help='seconds: start no group whose estimate does not fit in what is left')
    g.add_argument('--parallel', type=int, default=1, help='groups trained and evaluated at the same time (default 1). A 270M model leaves a '
                   'large GPU mostly idle, so 3-4 at once finish a sweep sooner; their wall times are then shared-GPU times (the report says so)')
    g.add_argument('--assume-train-tokens-per-s', type=float, default=60000)
    g.add_argument('--assume-train-overhead', type=float, default=25)
    g.add_argument('--assume-eval-rows-per-s', type=float, default=30)
    g.add_argument('--assume-eval-overhead', type=float, default=10)
    g.add_argument('-v', '--verbose', action='store_true', help='print every command\'s output')
    a = ap.parse_args(argv)
    a.argv = list(argv)
    a.smoke_overrides = []
    if a.smoke:
        given = {x.split('=', 1)[0].lstrip('-').replace('-', '_') for x in argv if x.startswith('--')}
        for k, v in SMOKE.items():
            if k == 'smoke_overrides': a.smoke_overrides = v
            elif k not in given: setattr(a, k, v)
    a.model = a.model or 'standin'
    a.work = (a.work or Path('/tmp/fg_quality_smoke' if a.smoke else '/tmp/fg_quality')).resolve()
    if ROOT in a.work.parents or a.work == ROOT: ap.error(f'--work {a.work} is inside the repository: use a scratch folder outside it')
    a.results = a.results or (a.work/'quality_smoke.jsonl' if a.smoke else ROOT/'benchmarks'/'quality.jsonl')
    a.out = a.out or (a.work/'quality_smoke.md' if a.smoke else ROOT/'benchmarks'/'quality.md')
    def configs(text):
        cs = []
        for c in text.split(','):
            c = c.strip()
            if not c: continue
            if c in CONFIG_GROUPS: cs += CONFIG_GROUPS[c]
            elif is_config(c): cs.append(c)
            else: ap.error(f'unknown config {c!r}; configs: {", ".join(CONFIGS)} (NAME@seedN: NAME with training.seed=N); groups: {", ".join(CONFIG_GROUPS)}')
        return list(dict.fromkeys(cs))
    def datasets(text):
        ds = [d.strip() for d in text.split(',') if d.strip()]
        if ds == ['all']: return list(DATASETS)
        bad = [d for d in ds if d not in DATASETS]
        if bad: ap.error(f'unknown dataset(s) {bad}; choose from {DATASETS} or all')
        return ds
    if a.matrix:
        spec, a.matrix = MATRICES.get(a.matrix, a.matrix), []
        for part in spec.split(';'):
            if not part.strip(): continue
            if ':' not in part: ap.error(f'--matrix part {part.strip()!r} is not CONFIGS:DATASETS')
            cs, ds = part.split(':', 1)
            a.matrix += [(c, datasets(ds)) for c in configs(cs)]
    else: a.matrix = [(c, datasets(a.datasets)) for c in configs(a.configs)]
    a.robust_configs = [c.strip() for c in a.robust_configs.split(',') if c.strip()]
    a.unconstrained_configs = [c.strip() for c in a.unconstrained_configs.split(',') if c.strip()]
    a.free_string_configs = [c.strip() for c in a.free_string_configs.split(',') if c.strip()]
    if a.max_new_tokens != 'auto' and not str(a.max_new_tokens).isdigit(): ap.error('--max-new-tokens is a number or auto')
    for o in a.set:
        if '=' not in o: ap.error(f'--set {o!r} is not key=value')
    return a

def main(argv=None) -> int:
    a = parse(list(sys.argv[1:] if argv is None else argv))
    if a.report:
        write_report(a.results, a.out); return 0
    a.work.mkdir(parents=True, exist_ok=True)
    return run(a)

if __name__ == '__main__':
    sys.exit(main())
