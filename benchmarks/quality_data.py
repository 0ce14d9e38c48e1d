"""Datasets of the quality benchmark (`bench_quality.py`), built from public data into a scratch folder.

Each builder writes files that `fg-tuner convert` reads (a CSV with `User Prompt` / `Tool Name` / `Tool Args`
columns and a JSON list of declarations), plus `manifest.json` saying what was chosen and why. Nothing here
trains or evaluates; nothing is copied into the repository.

- `build_sgd`: Schema-Guided Dialogue. A router over several services (tool = `<service>_<intent>`, the service's
  own declarations renamed the same way) trained on a seeded sample of train.csv and tested on dev.csv rows of
  the same services; and the dev rows of services absent from train, with only those services declared.
- `build_clinc`: one CLINC150 domain (15 intents as tools without arguments) plus out-of-scope queries
  (`oos_*`, labelled `none`: the router must call nothing).
- `generic_pools`: distractor pools for the project's own sample sheets, two disjoint halves of
  `fg_tuner.dataset.GENERIC_TOOLS` (one to train with, one to test with).
- `shuffled_copy`: the same test rows with the declarations in a different order in every prompt, rendered by
  `fg_tuner.formatter.format_example`.
"""
import csv, json, random, re
from collections import Counter, defaultdict
from pathlib import Path
from fg_tuner.formatter import format_example, format_declarations
from fg_tuner.schema import parse_tools, tools_to_dicts
from fg_tuner.dataset import GENERIC_TOOLS, undeclared_rows, _data_options

CSV_COLUMNS = ['service', 'User Prompt', 'Tool Name', 'Tool Args']

def norm_prompt(s:str) -> str:
    "A request as compared for duplicates: case-folded, whitespace collapsed."
    return re.sub(r'\s+', ' ', str(s)).strip().casefold()

def find_shared(explicit=None, root=None) -> tuple:
    "`(path or None, where it looked)`: the public datasets folder (holding `sgd/` or `clinc150/`)."
    import os
    root = Path(root or Path(__file__).resolve().parents[1])
    cands = [Path(explicit)] if explicit else [Path(p) for p in [os.environ.get('FG_TUNER_SHARED_DATASETS')] if p] + [
        root/'shared'/'datasets', root.parent/'shared'/'datasets', Path('/work/shared/datasets')]
    for c in cands:
        if (c/'sgd').is_dir() or (c/'clinc150').is_dir(): return c, [str(c) for c in cands]
    return None, [str(c) for c in cands]

def write_csv(path, rows:list) -> Path:
    "Write router rows (dicts with the `CSV_COLUMNS` keys) as a CSV `fg-tuner convert` reads."
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'w', encoding='utf-8', newline='') as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS); w.writeheader()
        for r in rows: w.writerow({k: r.get(k, '') for k in CSV_COLUMNS})
    return path

def write_tools(path, tools:list) -> Path:
    "Write declarations as an OpenAI-style JSON list (validated by `fg_tuner.schema.parse_tools`)."
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tools_to_dicts(tools), indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return path

def _seeded_sample(items:list, n, seed) -> list:
    "At most `n` items in a seeded random order (`n=None`: all of them, shuffled)."
    items = list(items)
    random.Random(seed).shuffle(items)
    return items if n is None else items[:n]

def _dedupe(rows:list, seen=None) -> tuple:
    "(rows whose request is new, how many were dropped): first occurrence wins; `seen` holds requests to exclude."
    seen, out = set(seen or ()), []
    for r in rows:
        k = norm_prompt(r['User Prompt'])
        if k in seen: continue
        seen.add(k); out.append(r)
    return out, len(rows) - len(out)

def _decl_chars(tools:list) -> int: return len(format_declarations(tools))

# SGD ---------------------------------------------------------------------------------------------------------

def sgd_tools(sgd_dir, service:str) -> list:
    "A service's declarations with each name prefixed by the service (`Banks_1_CheckBalance`)."
    decl = json.loads((Path(sgd_dir)/'tools'/f'{service}.json').read_text(encoding='utf-8'))
    out = []
    for d in decl:
        f = dict(d.get('function', d))
        f['name'] = f"{service}_{f['name']}"
        out.append(f)
    return out

def _read_sgd(path, split:str) -> list:
    with open(path, encoding='utf-8', newline='') as f:
        rows = list(csv.DictReader(f))
    return [{'service': r['service'], 'User Prompt': r['User Prompt'], 'Tool Name': f"{r['service']}_{r['Tool Name']}",
             'Tool Args': r['Tool Args'] or '{}', 'split': split} for r in rows]

def sgd_plan(sgd_dir, min_tools:int=20) -> dict:
    "Which services form the router, which are unseen, and which serve as distractor pools (see `build_sgd`)."
    sgd_dir = Path(sgd_dir)
    train, dev = _read_sgd(sgd_dir/'train.csv', 'train'), _read_sgd(sgd_dir/'dev.csv', 'dev')
    tr_s, dev_s = sorted({r['service'] for r in train}), sorted({r['service'] for r in dev})
    dom = lambda s: s.rsplit('_', 1)[0]
    ntools = {s: len(sgd_tools(sgd_dir, s)) for s in set(tr_s) | set(dev_s)}
    intents = lambda s: {t['name'].split('_', 2)[2] for t in sgd_tools(sgd_dir, s)}
    # the testable core: services in both splits (their dev rows are the test set)
    router = [s for s in tr_s if s in dev_s]
    if len({dom(s) for s in router}) != len(router):
        raise ValueError(f'SGD: two testable services share a domain ({router}); the router would be ambiguous')
    # add train-only services of new domains, smallest declarations first, until the router has min_tools tools
    extra = sorted((s for s in tr_s if s not in router), key=lambda s: (_decl_chars(sgd_tools(sgd_dir, s)), s))
    for s in extra:
        if sum(ntools[x] for x in router) >= min_tools: break
        if dom(s) not in {dom(x) for x in router}: router.append(s)
    if sum(ntools[x] for x in router) < min_tools:
        raise ValueError(f'SGD: only {sum(ntools[x] for x in router)} tools from services of distinct domains, fewer than {min_tools}')
    unseen = [s for s in dev_s if s not in tr_s]
    # distractor pools: train services of other domains whose intents share no name with a router intent
    r_dom, r_int = {dom(s) for s in router}, set().union(*(intents(s) for s in router))
    unrelated = [s for s in tr_s if dom(s) not in r_dom and not (intents(s) & r_int)]
    doms = sorted({dom(s) for s in unrelated})
    pool_train = [s for s in unrelated if doms.index(dom(s)) % 2 == 0]
    pool_test = [s for s in unrelated if doms.index(dom(s)) % 2 == 1]
    return {'router': sorted(router), 'router_testable': sorted(s for s in router if s in dev_s), 'unseen': unseen,
            'pool_train': pool_train, 'pool_test': pool_test, 'ntools': ntools, 'train': train, 'dev': dev}

def build_sgd(sgd_dir, # the shared `sgd/` folder
              out, # folder to write into
              min_tools:int=20, # the router declares at least this many tools
              train_per_tool:int=70, # seeded sample of at most this many train.csv rows per tool
              max_test:int|None=500, # seeded sample of at most this many dev rows per test set
              seed:int=0) -> dict:
    "Write the SGD router (train + seen-services test) and the unseen-services test; return the manifest."
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    p = sgd_plan(sgd_dir, min_tools)
    tools = lambda services: [t for s in services for t in sgd_tools(sgd_dir, s)]
    router_tools = tools(p['router'])
    # training rows: one copy of each request (first occurrence), then a seeded sample per tool
    cand, dup_train = _dedupe([r for r in p['train'] if r['service'] in p['router']])
    by_tool = defaultdict(list)
    for r in cand: by_tool[r['Tool Name']].append(r)
    train = []
    for name in sorted(by_tool): train += _seeded_sample(by_tool[name], train_per_tool, f'{seed}:train:{name}')
    seen = {norm_prompt(r['User Prompt']) for r in train}
    # test rows: dev rows of the same services, requests that also appear in the training sample left out
    dev_r, dup_r = _dedupe([r for r in p['dev'] if r['service'] in p['router']], seen)
    dev_u, dup_u = _dedupe([r for r in p['dev'] if r['service'] in p['unseen']])
    test_r = _seeded_sample(dev_r, max_test, f'{seed}:test:router')
    test_u = _seeded_sample(dev_u, max_test, f'{seed}:test:unseen')
    files = {'train': write_csv(out/'train.csv', train), 'router_tools': write_tools(out/'router_tools.json', router_tools),
             'test_router': write_csv(out/'dev_router.csv', test_r),
             'unseen_tools': write_tools(out/'unseen_tools.json', tools(p['unseen'])),
             'test_unseen': write_csv(out/'dev_unseen.csv', test_u),
             'pool_train': write_tools(out/'pool_train.json', tools(p['pool_train'])),
             'pool_test': write_tools(out/'pool_test.json', tools(p['pool_test']))}
    count = lambda rows: dict(sorted(Counter(r['Tool Name'] for r in rows).items()))
    man = {'dataset': 'sgd', 'params': {'min_tools': min_tools, 'train_per_tool': train_per_tool, 'max_test': max_test, 'seed': seed},
           'router_services': p['router'], 'router_tools': len(router_tools), 'testable_services': p['router_testable'],
           'unseen_services': p['unseen'], 'unseen_tools': len(tools(p['unseen'])),
           'distractor_pool_train': p['pool_train'], 'distractor_pool_test': p['pool_test'],
           'train_rows': len(train), 'train_rows_per_tool': count(train),
           'test_router_rows': len(test_r), 'test_router_candidates': len(dev_r), 'test_unseen_rows': len(test_u),
           'test_unseen_candidates': len(dev_u), 'dropped_duplicate_requests': {'train': dup_train, 'test_router': dup_r, 'test_unseen': dup_u},
           'files': {k: str(v) for k, v in files.items()}}
    (out/'manifest.json').write_text(json.dumps(man, indent=1) + '\n', encoding='utf-8')
    return man

# CLINC150 ----------------------------------------------------------------------------------------------------

CLINC_POOL_DOMAINS = ['kitchen_and_dining', 'auto_and_commute', 'home', 'travel', 'utility']
"Domains whose intents serve as distractors (the first two that are not the router's domain: train, test)."

def clinc_tool(intent:str) -> dict:
    "An intent as a declaration without arguments; the description is the intent name in words."
    return {'name': intent, 'description': intent.replace('_', ' ').capitalize() + '.', 'parameters': {'type': 'object'}}

def build_clinc(clinc_dir, # the shared `clinc150/` folder
                out, # folder to write into
                domain:str='banking', # one of domains.json's 10 domains
                train_per_tool:int|None=100, # seeded sample of at most this many train rows per intent
                oos_train:int|None=100, # out-of-scope training rows (oos_train has 100)
                max_test:int|None=None, # in-scope test rows (seeded sample; the domain's test split has 450)
                oos_test:int|None=150, # out-of-scope test rows (seeded sample of oos_test's 1,000)
                seed:int=0) -> dict:
    "Write one CLINC150 domain as a router with out-of-scope rows; return the manifest."
    clinc_dir, out = Path(clinc_dir), Path(out); out.mkdir(parents=True, exist_ok=True)
    data = json.loads((clinc_dir/'data_full.json').read_text(encoding='utf-8'))
    domains = json.loads((clinc_dir/'domains.json').read_text(encoding='utf-8'))
    if domain not in domains: raise ValueError(f'CLINC150: unknown domain {domain!r}; one of {sorted(domains)}')
    intents = list(domains[domain])
    row = lambda text, label: {'service': domain if label != 'none' else 'oos', 'User Prompt': text, 'Tool Name': label, 'Tool Args': '{}'}
    by_intent = defaultdict(list)
    for text, label in data['train']:
        if label in intents: by_intent[label].append(row(text, label))
    train = []
    for k in intents: train += _seeded_sample(by_intent[k], train_per_tool, f'{seed}:train:{k}')
    train += _seeded_sample([row(t, 'none') for t, _ in data['oos_train']], oos_train, f'{seed}:train:oos')
    train, dup_train = _dedupe(train)
    seen = {norm_prompt(r['User Prompt']) for r in train}
    ins, dup_i = _dedupe([row(t, l) for t, l in data['test'] if l in intents], seen)
    oos, dup_o = _dedupe([row(t, 'none') for t, _ in data['oos_test']], seen)
    test = _seeded_sample(ins, max_test, f'{seed}:test:in') + _seeded_sample(oos, oos_test, f'{seed}:test:oos')
    pools = [d for d in CLINC_POOL_DOMAINS if d != domain][:2]
    files = {'train': write_csv(out/'train.csv', train), 'tools': write_tools(out/'tools.json', [clinc_tool(i) for i in intents]),
             'test': write_csv(out/'test.csv', test),
             'pool_train': write_tools(out/'pool_train.json', [clinc_tool(i) for i in domains[pools[0]]]),
             'pool_test': write_tools(out/'pool_test.json', [clinc_tool(i) for i in domains[pools[1]]])}
    man = {'dataset': 'clinc150', 'params': {'domain': domain, 'train_per_tool': train_per_tool, 'oos_train': oos_train,
                                              'max_test': max_test, 'oos_test': oos_test, 'seed': seed},
           'tools': len(intents), 'train_rows': len(train), 'train_out_of_scope': sum(r['Tool Name'] == 'none' for r in train),
           'test_rows': len(test), 'test_out_of_scope': sum(r['Tool Name'] == 'none' for r in test),
           'distractor_pool_train': pools[0], 'distractor_pool_test': pools[1],
           'dropped_duplicate_requests': {'train': dup_train, 'test_in_scope': dup_i, 'test_out_of_scope': dup_o},
           'files': {k: str(v) for k, v in files.items()}}
    (out/'manifest.json').write_text(json.dumps(man, indent=1) + '\n', encoding='utf-8')
    return man

# sample sheets -----------------------------------------------------------------------------------------------

def generic_pools(out) -> dict:
    "Two disjoint halves of `GENERIC_TOOLS` as distractor pools: `pool_train.json` (even) and `pool_test.json` (odd)."
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    return {'pool_train': str(write_tools(out/'pool_train.json', GENERIC_TOOLS[0::2])),
            'pool_test': str(write_tools(out/'pool_test.json', GENERIC_TOOLS[1::2]))}

# test-set variants -------------------------------------------------------------------------------------------

def read_jsonl(path) -> list:
    return [json.loads(l) for l in Path(path).read_text(encoding='utf-8').splitlines() if l.strip()]

def write_jsonl(path, rows:list) -> Path:
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        for r in rows: f.write(json.dumps(r, ensure_ascii=False) + '\n')
    return path

def _calls(r:dict) -> list: return [{'name': r['tool_name'], 'arguments': r['tool_arguments'] or {}}] if r['tool_name'] else []

def shuffled_copy(src, # a test JSONL written by `fg-tuner convert` (no distractors)
                  tools_json, # that conversion's tools.json
                  dst, # the JSONL to write
                  seed:int=0) -> dict:
    "Re-render every row with its declarations in a seeded random order (never the original order)."
    rows, tools = read_jsonl(src), {t.name: t for t in parse_tools(json.loads(Path(tools_json).read_text(encoding='utf-8')))}
    out, same = [], 0
    for i, r in enumerate(rows):
        decl = [tools[n] for n in r['tools']]
        if i < 3:  # the re-rendering reproduces the converter's prompt when the order is kept
            ref = format_example(decl, r['user_content'], _calls(r))
            if ref['prompt'] != r['prompt'] or ref['completion'] != r['completion']:
                raise AssertionError(f'{src}: row {i}: format_example does not reproduce the converted prompt')
        order = list(decl)
        rng = random.Random(f'{seed}:{i}')
        for _ in range(20):
            rng.shuffle(order)
            if len(order) < 2 or [t.name for t in order] != r['tools']: break
        same += [t.name for t in order] == r['tools']
        ex = format_example(order, r['user_content'], _calls(r))
        out.append({**r, 'tools': [t.name for t in order], **ex})
    write_jsonl(dst, out)
    return {'rows': len(out), 'unchanged_order': same}

def removed_copy(src, # a test JSONL written by `fg-tuner convert` (no distractors)
                 tools_json, # that conversion's tools.json
                 dst) -> dict: # the JSONL to write
    "Every row that calls a tool, re-rendered without that tool's declaration and expected to decline (the refusal)."
    rows, tools = read_jsonl(src), parse_tools(json.loads(Path(tools_json).read_text(encoding='utf-8')))
    made, _ = undeclared_rows(rows, tools, {**_data_options(), 'undeclared': 1.0}, contrast=False)   # the converter's `data.undeclared` declining rows, for every calling row
    by = {(r['source'], r['row']): r for r in rows}
    out = [{**by[(u['source'], u['row'])], **{k: v for k, v in u.items() if k not in ('augmented_from', 'undeclared')}, 'removed_tool': u['undeclared']}
           for u in made]
    write_jsonl(dst, out)
    return {'rows': len(out)}

def same_rows(a:list, b:list) -> bool:
    "Whether two test sets hold the same requests with the same expected calls, in the same order."
    key = lambda r: (r['user_content'], r['tool_name'], json.dumps(r['tool_arguments'], sort_keys=True))
    return [key(r) for r in a] == [key(r) for r in b]

def subsample_jsonl(src, dst, n:int, seed:int=0) -> int:
    "Write a seeded sample of at most `n` rows of `src` (in their original order) to `dst`; return the count."
    rows = read_jsonl(src)
    keep = sorted(random.Random(f'{seed}:subsample').sample(range(len(rows)), n)) if n < len(rows) else range(len(rows))
    write_jsonl(dst, [rows[i] for i in keep])
    return len(keep)
