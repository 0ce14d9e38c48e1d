"""Tests of the quality benchmark's data and report code (no model, no training; a few seconds).

    python benchmarks/test_quality.py        # or: pytest benchmarks/test_quality.py

The SGD and CLINC150 tests skip (printing why) when the shared datasets folder is absent.
"""
import json, sys, tempfile
from pathlib import Path
import quality_data as qd
import bench_quality as bq
from fg_tuner.dataset import convert, GENERIC_TOOLS

ROOT = Path(__file__).resolve().parents[1]
SHARED, _ = qd.find_shared(None, ROOT)

def _tmp() -> Path: return Path(tempfile.mkdtemp(prefix='test_quality_'))

def test_shuffled_copy():
    "Shuffled prompts keep requests, labels and the set of declarations; only the order changes, and it changes."
    d = _tmp()
    conv = convert(ROOT/'data/raw/hr_routing.xlsx')
    conv.write(d/'hr', dataset=False)
    st = qd.shuffled_copy(d/'hr'/'test.jsonl', d/'hr'/'tools.json', d/'shuf.jsonl', seed=0)
    a, b = qd.read_jsonl(d/'hr'/'test.jsonl'), qd.read_jsonl(d/'shuf.jsonl')
    assert qd.same_rows(a, b) and st['rows'] == len(a) and st['unchanged_order'] == 0
    for x, y in zip(a, b):
        assert sorted(x['tools']) == sorted(y['tools']) and x['tools'] != y['tools']
        assert x['completion'] == y['completion'] and x['prompt'] != y['prompt']
        for name in x['tools']: assert f'declaration:{name}{{' in y['prompt']
    assert qd.read_jsonl(d/'shuf.jsonl') == b   # seeded: the same file again
    qd.shuffled_copy(d/'hr'/'test.jsonl', d/'hr'/'tools.json', d/'shuf2.jsonl', seed=0)
    assert qd.read_jsonl(d/'shuf2.jsonl') == b
    # a test file whose prompts format_example does not reproduce is refused
    bad = [dict(r, prompt=r['prompt'].replace('<start_of_turn>user', '<start_of_turn>user x')) for r in a]
    qd.write_jsonl(d/'bad.jsonl', bad)
    try: qd.shuffled_copy(d/'bad.jsonl', d/'hr'/'tools.json', d/'x.jsonl')
    except AssertionError as e: assert 'does not reproduce' in str(e)
    else: raise AssertionError('a mismatching prompt was accepted')

def test_removed_copy():
    "Each row that calls a tool, without that tool's declaration, expects the refusal; out-of-scope rows are left out."
    d = _tmp()
    conv = convert(ROOT/'data/raw/hr_routing.xlsx')
    conv.write(d/'hr', dataset=False)
    st = qd.removed_copy(d/'hr'/'test.jsonl', d/'hr'/'tools.json', d/'removed.jsonl')
    a, b = qd.read_jsonl(d/'hr'/'test.jsonl'), qd.read_jsonl(d/'removed.jsonl')
    calling = [x for x in a if x['tool_name']]
    assert st['rows'] == len(b) == len(calling) < len(a)
    for x, y in zip(calling, b):
        assert y['removed_tool'] == x['tool_name'] and y['tool_name'] is None and y['tool_arguments'] == {}
        assert y['tools'] == [n for n in x['tools'] if n != x['tool_name']] and y['user_content'] == x['user_content']
        assert f"declaration:{x['tool_name']}{{" not in y['prompt'] and y['completion'] == next(r for r in a if not r['tool_name'])['completion']
    for r in calling[:3]:   # the other declarations are rendered as the converter renders them
        assert all(f'declaration:{n}{{' in b[calling.index(r)]['prompt'] for n in r['tools'] if n != r['tool_name'])

def test_subsample_and_pools():
    d = _tmp()
    rows = [{'i': i} for i in range(50)]
    qd.write_jsonl(d/'a.jsonl', rows)
    assert qd.subsample_jsonl(d/'a.jsonl', d/'b.jsonl', 10, seed=1) == 10
    got = [r['i'] for r in qd.read_jsonl(d/'b.jsonl')]
    assert got == sorted(got) and len(set(got)) == 10
    assert qd.subsample_jsonl(d/'a.jsonl', d/'c.jsonl', 100) == 50
    p = qd.generic_pools(d/'pools')
    names = lambda f: {t['function']['name'] for t in json.loads(Path(f).read_text())}
    tr, te = names(p['pool_train']), names(p['pool_test'])
    assert not (tr & te) and len(tr) + len(te) == len(GENERIC_TOOLS)

def test_sgd():
    if SHARED is None or not (SHARED/'sgd').is_dir(): print('skip test_sgd: no shared sgd/ folder'); return
    d = _tmp()
    m = qd.build_sgd(SHARED/'sgd', d/'a', min_tools=20, train_per_tool=15, max_test=120, seed=3)
    assert m['router_tools'] >= 20 and m['train_rows'] <= 15 * m['router_tools']
    assert max(m['train_rows_per_tool'].values()) <= 15
    dom = lambda s: s.rsplit('_', 1)[0]
    assert len({dom(s) for s in m['router_services']}) == len(m['router_services'])          # one service per domain
    assert not set(m['unseen_services']) & set(m['router_services'])
    pools = m['distractor_pool_train'] + m['distractor_pool_test']
    assert pools and not set(pools) & set(m['router_services'])
    assert not {dom(s) for s in m['distractor_pool_train']} & {dom(s) for s in m['distractor_pool_test']}
    rd = lambda f: [r for r in __import__('csv').DictReader(open(d/'a'/f, encoding='utf-8'))]
    train, test, unseen = rd('train.csv'), rd('dev_router.csv'), rd('dev_unseen.csv')
    assert len(test) == 120 and len(unseen) == 120
    assert not {qd.norm_prompt(r['User Prompt']) for r in train} & {qd.norm_prompt(r['User Prompt']) for r in test}
    assert {r['service'] for r in test} <= set(m['testable_services']) and {r['service'] for r in unseen} <= set(m['unseen_services'])
    assert all(r['Tool Name'].startswith(r['service'] + '_') for r in train + test + unseen)
    # the converter accepts the files; unseen test prompts declare only the unseen services' tools
    cu = convert(d/'a'/'dev_unseen.csv', tools=str(d/'a'/'unseen_tools.json'), test_size=0, augment=0)   # as TEST_CONVERT
    assert not cu.test and len(cu.train) + len(cu.rejects) == 120
    assert all(t.split('_')[0] + '_' + t.split('_')[1] in m['unseen_services'] for t in cu.train[0]['tools'])
    # seeded: the same files again
    qd.build_sgd(SHARED/'sgd', d/'b', min_tools=20, train_per_tool=15, max_test=120, seed=3)
    for f in ('train.csv', 'dev_router.csv', 'dev_unseen.csv', 'router_tools.json', 'pool_test.json'):
        assert (d/'a'/f).read_bytes() == (d/'b'/f).read_bytes(), f

def test_clinc():
    if SHARED is None or not (SHARED/'clinc150').is_dir(): print('skip test_clinc: no shared clinc150/ folder'); return
    d = _tmp()
    m = qd.build_clinc(SHARED/'clinc150', d, domain='banking', train_per_tool=5, oos_train=7, max_test=40, oos_test=9)
    assert m['tools'] == 15 and m['train_rows'] == 15 * 5 + 7 and m['train_out_of_scope'] == 7
    assert m['test_rows'] == 49 and m['test_out_of_scope'] == 9
    c = convert(d/'test.csv', tools=str(d/'tools.json'), test_size=0)
    assert len(c.train) == 49 and sum(r['tool_name'] is None for r in c.train) == 9
    assert all(r['tool_arguments'] == {} for r in c.train)
    pool = {t['function']['name'] for t in json.loads((d/'pool_test.json').read_text())}
    assert not pool & {t.name for t in c.tools}

def test_cli_parsing_and_keys():
    a = bq.parse(['--matrix', 'gpu12'])
    assert a.matrix[0] == ('default', bq.DATASETS) and ('handtuned', ['sgd_router', 'sgd_unseen']) in a.matrix
    a = bq.parse(['--configs', 'default,sweep', '--datasets', 'hr_routing'])
    assert a.matrix == [(c, ['hr_routing']) for c in ['default'] + bq.CONFIG_GROUPS['sweep']]
    s = bq.parse(['--smoke'])
    assert s.model == 'tiny' and s.matrix == [('default', bq.DATASETS)] and 'training.max_steps=2' in s.smoke_overrides
    assert bq.parse(['--smoke', '--model', 'x', '--configs', 'handtuned']).model == 'x'
    ds = {'name': 'hr_routing', 'params': {'seed': 0}}
    k = bq.row_key(bq.setup_of(a), ds, bq.TEST_AS_IS, 'default')
    assert k == bq.row_key(bq.setup_of(a), ds, bq.TEST_AS_IS, 'default') and k != bq.row_key(bq.setup_of(s), ds, bq.TEST_AS_IS, 'default')
    assert bq.q_work('data.input=/w/x/train.jsonl', '/w') == 'data.input=$WORK/x/train.jsonl'
    assert bq.q_work('a b', '/w') == "'a b'" and bq.q_work('/w/a b', '/w') == '"$WORK/a b"'
    cmd = bq.bench_command(bq.parse(['--model', '/tmp/standin', '--matrix', 'gpu12', '--time-limit', '500', '--set', 'a.b=1']), 'clinc150', 'default')
    assert cmd == 'python3 benchmarks/bench_quality.py --model /tmp/standin --set a.b=1 --datasets clinc150 --configs default', cmd

def test_parallel_and_sweep_configs():
    "`--parallel N` (not part of a row's reproduce command); `sweep1`; LoRA-only settings always make the recipe choose LoRA."
    a = bq.parse(['--matrix', 'sweep1', '--parallel', '3'])
    assert a.parallel == 3 and a.matrix[0] == ('lora', ['hr_routing', 'clinc150']) and [c for c, _ in a.matrix] == ['lora', 'lr5e-5', 'distractors', 'shuffle', 'augment']
    assert bq.parse([]).parallel == 1
    cmd = bq.bench_command(bq.parse(['--model', 'm', '--parallel', '4']), 'hr_routing', 'lora')
    assert cmd == 'python3 benchmarks/bench_quality.py --model m --datasets hr_routing --configs lora', cmd
    for name, over in bq.CONFIGS.items():   # under the default (full fine-tuning) a LoRA rank or a LoRA-sized rate needs LoRA chosen
        keys = dict(o.split('=', 1) for o in over)
        if float(keys.get('training.learning_rate', 0)) >= 1e-4 or any(k.startswith('lora.') for k in keys):
            assert keys.get('training.method') == 'lora' or 'lora.r' in keys, name

def test_augment_config():
    "The `augment` config converts with data.augment=3 and is part of the sweep; augmented rows equal to a test request are dropped."
    assert bq.CONFIGS['augment'] == ['data.augment=3'] and 'augment' in bq.CONFIG_GROUPS['sweep']
    a = bq.parse(['--configs', 'augment', '--datasets', 'hr_routing'])
    assert a.matrix == [('augment', ['hr_routing'])]
    c = convert(ROOT/'data/raw/hr_routing.xlsx', augment=3)
    new = [r for r in c.train if 'augmented_from' in r]
    assert new and c.report['augmented']['rows'] == len(new) and c.report['train'] == len(c.train) - len(new)
    tests = [{'user_content': new[0]['user_content'].upper()}, {'user_content': c.train[0]['user_content']}]
    kept, dropped = bq.drop_test_requests(c.train, tests)
    assert dropped == 1 and new[0] not in kept and c.train[0] in kept and len(kept) == len(c.train) - 1

def test_seed_repeats():
    "`NAME@seedN` is NAME with training.seed=N; the report puts the runs of one config side by side with their mean and range."
    assert bq.config_overrides('lora@seed2') == ['training.method=lora', 'training.seed=2'] and bq.config_overrides('default') == []
    a = bq.parse(['--configs', 'default,default@seed1', '--datasets', 'hr_routing'])
    assert a.matrix == [('default', ['hr_routing']), ('default@seed1', ['hr_routing'])]
    for bad in ('default@seedx', 'nope@seed1'):
        try: bq.parse(['--configs', bad]); raise AssertionError(bad)
        except SystemExit: pass
    assert [c for c, _ in bq.parse(['--matrix', 'sweep3']).matrix][:4] == ['default@seed1', 'noshuffle@seed1', 'lora', 'lora@seed1']
    rows = [json.loads(l) for l in (ROOT/'benchmarks'/'quality.jsonl').read_text().splitlines() if l.strip()]
    r0 = next(r for r in rows if r['test'] == bq.TEST_AS_IS and r['config'] == 'default' and r.get('ok', True) and 'metrics' in r)
    r1 = json.loads(json.dumps(r0)) | {'config': 'default@seed1', 'key': r0['key'] + '-seed1'}
    r1['metrics']['exact_accuracy'] = r0['metrics']['exact_accuracy'] - 0.05
    d = _tmp()
    (d/'q.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in (r0, r1)))
    md = bq.write_report(d/'q.jsonl', d/'q.md').read_text()
    assert '#### Repeats' in md, md[:2000]
    line = next(l for l in md.splitlines() if l.startswith(f"| {r0['dataset']} | default | default: "))
    assert '| 5.0 |' in line and 'seed1' not in line.split('|')[2] and '1: ' in line, line
    assert 'training.seed=1' in md

def test_same_config_trained_twice():
    "A key trained again (another run folder) is a run of its own: labelled `(run N)`, in the repeats table, and paired with its own variants; an evaluation repeated on one training replaces the earlier one."
    rows = [json.loads(l) for l in (ROOT/'benchmarks'/'quality.jsonl').read_text().splitlines() if l.strip()]
    r0 = next(r for r in rows if r['test'] == bq.TEST_AS_IS and r['config'] == 'default' and 'metrics' in r)
    u0 = json.loads(json.dumps(r0)) | {'test': bq.TEST_UNCONSTRAINED, 'key': r0['key'] + '-unc'}
    r1 = json.loads(json.dumps(r0)) | {'finished': r0['finished'] + 'z'}
    r1['train']['run_dir'] = r0['train']['run_dir'] + '-again'
    r1['metrics']['exact_accuracy'] = r0['metrics']['exact_accuracy'] - 0.04
    r2 = json.loads(json.dumps(r1)) | {'finished': r0['finished'] + 'zz'}   # run 2 evaluated again: this one counts
    r2['metrics']['exact_accuracy'] = r0['metrics']['exact_accuracy'] - 0.03
    u0['metrics']['exact_accuracy'] = 0.123
    d = _tmp()
    (d/'q.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in (r0, u0, r1, r2)))
    md = bq.write_report(d/'q.jsonl', d/'q.md').read_text()
    ds, x0, x2 = r0['dataset'], bq.fmt_pct(r0['metrics']['exact_accuracy']), bq.fmt_pct(r2['metrics']['exact_accuracy'])
    main = [l for l in md.splitlines() if l.startswith(f'| {ds} | {bq.TEST_AS_IS} (')]
    assert [l.split(' | ')[2] for l in main] == ['default (run 1)', 'default (run 2)'], main
    assert x2 in main[1] and bq.fmt_pct(r1['metrics']['exact_accuracy']) not in md.split('#### Repeats')[1].split('####')[0]
    rep = next(l for l in md.splitlines() if l.startswith(f'| {ds} | default | default (run 1): '))
    assert f'default (run 1): {x0}, default (run 2): {x2}' in rep and '| 3.0 |' in rep, rep
    unc = next(l for l in md.split('#### Constrained decoding against unconstrained')[1].splitlines() if l.startswith(f'| {ds} |'))
    assert unc.startswith(f'| {ds} | default (run 1) | {x0} / 12.3% |'), unc

def test_failures_table():
    "Rows that carry `failures` (counts of `fg_tuner.evaluate.failure_kind`) get a table of them; older rows do not."
    rows = [json.loads(l) for l in (ROOT/'benchmarks'/'quality.jsonl').read_text().splitlines() if l.strip()]
    r0 = next(r for r in rows if r['test'] == bq.TEST_AS_IS and r['dataset'] == 'sgd_router' and 'metrics' in r)
    d = _tmp()
    (d/'q.jsonl').write_text(json.dumps(r0) + '\n')
    assert '#### Failures by kind' not in bq.write_report(d/'q.jsonl', d/'q.md').read_text()
    r1 = json.loads(json.dumps(r0)); r1['metrics']['failures'] = {'wrong tool': 7, 'missing keys': 3}
    (d/'q.jsonl').write_text(json.dumps(r1) + '\n')
    md = bq.write_report(d/'q.jsonl', d/'q.md').read_text()
    head = next(l for l in md.splitlines() if l.startswith('| dataset | test set | config | not exact |'))
    assert head.endswith('| wrong tool | missing keys |'), head
    assert f"| sgd_router | as is | {r1['config']} | 10 of {r1['metrics']['n']} | 7 | 3 |" in md

def test_validation_record():
    "A row keeps the step its training kept and the validation scores on the way, from metrics.json's `validation`."
    v = {'history': [{'step': 84, 'exact_accuracy': 0.75, 'tool_accuracy': 1.0, 'arg_f1': 0.912345, 'unparseable': 0.0, 'score': 0.76},
                     {'step': 168, 'exact_accuracy': 0.96875, 'tool_accuracy': 1.0, 'arg_f1': None, 'unparseable': 0.0, 'score': 0.97}],
         'selected_step': 168, 'selected_by': 'best validation exact-call accuracy', 'selected': {}, 'last': {}, 'checkpoint': 'x'}
    assert bq.validation_record(v) == {'selected_step': 168, 'selected_by': 'best validation exact-call accuracy',
                                       'history': [[84, 0.75, 0.9123], [168, 0.9688, None]]}
    assert bq.validation_record(None) is None

def test_rename_config():
    "`rename` converts the training set with data.rename_tools=0.3; test conversions pin it to 0 (and shuffling off)."
    assert bq.CONFIGS['rename'] == ['data.rename_tools=0.3'] and 'data.rename_tools=0' in bq.TEST_CONVERT
    assert ('rename', ['sgd_router', 'sgd_unseen']) in bq.parse(['--matrix', 'sweep3']).matrix
    c = convert(ROOT/'data/raw/hr_routing.xlsx', rename_tools=0.3)
    assert c.report['renamed']['rows'] == round(0.3 * c.report['train']) == sum(1 for r in c.train if r.get('renamed_from'))

def test_rename_keys_config():
    "`renamekeys` / `renameall` convert the training set with made-up argument keys; test conversions pin data.rename_keys to 0."
    assert bq.CONFIGS['renamekeys'] == ['data.rename_keys=0.3'] and bq.CONFIGS['renameall'] == ['data.rename_tools=0.3', 'data.rename_keys=0.3']
    assert 'data.rename_keys=0' in bq.TEST_CONVERT and 'data.augment=0' in bq.TEST_CONVERT and all(bq.is_convert_override(o) for o in bq.CONFIGS['renameall'])
    assert ('renameall', ['sgd_router', 'sgd_unseen']) in bq.parse(['--matrix', 'sweep9']).matrix
    c = convert(ROOT/'data/raw/hr_routing.xlsx', rename_tools=0.3, rename_keys=0.3)
    r = c.report['renamed']
    assert (r['rows'], r['key_rows']) == (round(0.3 * c.report['train']),) * 2, r
    assert r['key_rows'] == sum(1 for x in c.train if x.get('renamed_keys'))

def test_in_scope_tool_accuracy():
    "The report's in-scope tool accuracy: stored, or derived exactly from the overall and out-of-scope rates of older rows."
    m = {'n': 400, 'oos_n': 100, 'tool_accuracy': 0.885, 'oos_accuracy': 0.68}
    assert abs(bq.in_scope_tool_accuracy(m) - 286 / 300) < 1e-12
    assert bq.in_scope_tool_accuracy(m | {'in_scope_tool_accuracy': 0.5}) == 0.5
    assert bq.in_scope_tool_accuracy({'n': 84, 'oos_n': 0, 'tool_accuracy': 0.9, 'oos_accuracy': None}) == 0.9
    rows = [json.loads(l) for l in (ROOT/'benchmarks'/'quality.jsonl').read_text().splitlines() if l.strip()]
    r0 = next(r for r in rows if r['dataset'] == 'clinc150' and 'metrics' in r)
    d = _tmp()
    (d/'q.jsonl').write_text(json.dumps(r0) + '\n')
    md = bq.write_report(d/'q.jsonl', d/'q.md').read_text()
    m0 = r0['metrics']
    want = f"{bq.fmt_pct(m0['tool_accuracy'])} ({bq.fmt_pct(bq.in_scope_tool_accuracy(m0))})"
    assert any(l.startswith('| clinc150 |') and f'| {want} |' in l for l in md.splitlines()), (want, md[:3000])

def test_nocall_config():
    "`nocall0` turns the recipe's out-of-scope repetition off in training (its key goes to train, not convert); the default is part of a row's setup."
    assert bq.CONFIGS['nocall0'] == ['data.no_call_share=0']
    assert not bq.is_convert_override('data.no_call_share=0') and not bq.is_convert_override('data.val_size=0')
    assert bq.is_convert_override('data.augment=3') and bq.is_convert_override('data.no_call_markers=[x]') and not bq.is_convert_override('training.seed=1')
    assert bq.current_defaults() == {'data.shuffle_tools': True, 'recipe.no_call_share': 0.2, 'recipe.span_share': 0.95, 'data.augment': None, 'data.shuffle_group': 32, 'training.compile_layers': 'auto'}

def _variant_report(test:str, heading:str, **metrics) -> tuple:
    "(as-is row, report, the report's section under `heading`) for an HR as-is row of quality.jsonl (spans on) and its `test` variant with `metrics` and 99 rows/s."
    rows = [json.loads(l) for l in (ROOT/'benchmarks'/'quality.jsonl').read_text().splitlines() if l.strip()]
    r0 = json.loads(json.dumps(next(r for r in rows if r['dataset'] == 'hr_routing' and r['test'] == bq.TEST_AS_IS and 'metrics' in r)))
    r0['train']['spans'] = True
    rv = json.loads(json.dumps(r0)); rv['test'] = test; rv['key'] = 'v' + rv['key']
    rv['metrics'].update(metrics); rv['eval']['rows_per_s'] = 99.0
    d = _tmp()
    (d/'q.jsonl').write_text(json.dumps(r0) + '\n' + json.dumps(rv) + '\n')
    md = bq.write_report(d/'q.jsonl', d/'q.md').read_text()
    return r0, md, md.split(heading)[1]

def test_unconstrained_test_set():
    "`--unconstrained-configs` (default: default) adds the as-is rows evaluated with --no-constrain; the report compares the two."
    a = bq.parse([])
    assert a.unconstrained_configs == ['default'] and bq.parse(['--unconstrained-configs', 'none']).unconstrained_configs == ['none']
    assert bq.test_names({}, False, 6, True) == [bq.TEST_AS_IS, bq.TEST_UNCONSTRAINED] and bq.test_names({}, True, 6) == [bq.TEST_AS_IS, bq.TEST_SHUFFLED, bq.TEST_REMOVED, '+6 unrelated']
    r0, md, sec = _variant_report(bq.TEST_UNCONSTRAINED, '#### Constrained decoding against unconstrained', exact_accuracy=0.5, unparseable_rate=0.25)
    m0 = r0['metrics']
    want = f"| hr_routing | {r0['config']} | {bq.fmt_pct(m0['exact_accuracy'])} / 50.0% |"
    assert want in sec and f"{bq.fmt_pct(m0['unparseable_rate'])} / 25.0%" in sec and '/ 99.0 |' in sec, sec[:1500]
    assert '#### Robustness' not in md   # the unconstrained row is not a robustness variant

def test_removed_test_set_report():
    "The robustness table gives the `tool removed` rows as the share declined, without a change against the as-is rows."
    r0, md, sec = _variant_report(bq.TEST_REMOVED, '#### Robustness', exact_accuracy=0.75)
    assert f"| hr_routing | {r0['config']} | {bq.fmt_pct(r0['metrics']['exact_accuracy'])} | 75.0% declined |" in sec, sec[:1500]
    assert bq.CONFIGS['undeclared'] == ['data.undeclared=0.2'] and bq.is_convert_override('data.undeclared=0.2')
    assert bq.CONFIGS['group32'] == ['data.shuffle_group=32'] and bq.is_convert_override('data.shuffle_group=32')
    assert bq.CONFIGS['perrow'] == ['data.shuffle_group=1'] and bq.is_convert_override('data.shuffle_group=1')

def test_free_strings_test_set():
    "`--free-string-configs` (default: default) adds the as-is rows evaluated with --spans off, for datasets with string arguments; the report compares the two."
    a = bq.parse([])
    assert a.free_string_configs == ['default'] and bq.parse(['--free-string-configs', 'none']).free_string_configs == ['none']
    assert bq.EVAL_VARIANTS[bq.TEST_FREE_STRINGS] == ['--spans', 'off'] and bq.EVAL_VARIANTS[bq.TEST_UNCONSTRAINED] == ['--no-constrain']
    assert bq.test_names({}, False, 6, True, True) == [bq.TEST_AS_IS, bq.TEST_UNCONSTRAINED, bq.TEST_FREE_STRINGS]
    assert bq.test_names({'string_args': False}, False, 6, False, True) == [bq.TEST_AS_IS]   # CLINC150: no string arguments
    r0, md, sec = _variant_report(bq.TEST_FREE_STRINGS, '#### String values from the request against free strings', exact_accuracy=0.5, arg_f1=0.25)
    m0 = r0['metrics']
    want = f"| hr_routing | {r0['config']} | on | {bq.fmt_pct(m0['exact_accuracy'])} / 50.0% |"
    assert want in sec and f"{bq.fmt_f(m0['arg_f1'])} / 0.250 |" in sec and '/ 99.0 |' in sec, sec[:1500]
    assert '#### Robustness' not in md   # nor is the free-strings row

def test_rescore_eval():
    "rescore_eval scores each split of one eval call's predictions as bench_quality does; counts that do not add up are refused."
    import rescore_eval as re_
    d = _tmp()
    call = lambda n, ok: {'request': 'r', 'expected': [{'name': n, 'arguments': {'a': 1}}], 'output': '',
                          'predicted': [{'name': n, 'arguments': {'a': 1 if ok else 2}}], 'error': None, 'exact': ok}
    oos = {'request': 'r', 'expected': [], 'predicted': [], 'output': 'no', 'error': None, 'exact': True}
    rows = [call('f', True), call('f', False), oos, call('g', True)]
    (d/'p.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in rows))
    got = re_.rescore(d/'p.jsonl', [('a', 3), ('b', 1)])
    assert [(n, m['n'], m['exact_accuracy'], m['tool_accuracy'], m['out_of_scope']['n']) for n, m in got] == [('a', 3, 2 / 3, 1.0, 1), ('b', 1, 1.0, 1.0, 0)], got
    md = re_.table(got)
    assert '| a | 3 | 100.0% (100.0%) | 66.7% |' in md and '100.0% of 1' in md and '| b | 1 | 100.0% | 100.0% |' in md, md
    try: re_.rescore(d/'p.jsonl', [('a', 3)]); raise AssertionError('expected a refusal')
    except SystemExit as e: assert 'add up to 3' in str(e)

def test_shared_absent_skips():
    a = bq.parse(['--shared', '/nonexistent/datasets', '--work', str(_tmp()), '--datasets', 'sgd_router,clinc150,hr_routing'])
    specs, skipped = bq.prepare_datasets(a, ['sgd_router', 'clinc150', 'hr_routing'])
    assert set(skipped) == {'sgd_router', 'clinc150'} and 'sgd/' in skipped['sgd_router'] and '--shared' in skipped['clinc150']
    assert set(specs) == {'hr_routing'}

if __name__ == '__main__':
    for name, fn in list(globals().items()):
        if name.startswith('test_') and callable(fn): fn(); print(f'ok {name}')
    sys.exit(0)
