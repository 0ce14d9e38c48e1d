#!/usr/bin/env python
"""Benchmark `fg_tuner.dataset` (reading: `fg_tuner.tables`) on 100,000 rows; prints a markdown table of rows/s.

    python benchmarks/bench_convert.py                 # 100,000 rows, xlsx + csv, full pipeline
    python benchmarks/bench_convert.py --rows 20000 --no-openpyxl

The rows are the HR sample's generators (scripts/make_sample_data.py: 6 tools, typed/nested/enum arguments,
English and Chinese) with a unique suffix per request, plus 2% bad rows of several kinds and 1% out-of-scope
rows, so the validation and reject paths are exercised in proportion. Stages timed separately:

- read: the file into rows (python-calamine for .xlsx; openpyxl, the fallback, for comparison);
- convert: read + header + tools + validate + format + split (`convert`, in memory);
- write: train/test/rejects JSONL, tools.json, report.json (+ DatasetDict with --dataset, on by default).
"""
import argparse, csv, json, os, platform, random, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'scripts'))
import make_sample_data as msd
from fg_tuner.dataset import convert, Conversion
from fg_tuner.tables import open_workbook

BAD = [('book_room', '{"building": "HQ-A"}'), ('get_payslip', '{"period": {"year": 2025, "month": "三月"}}'),
       ('submit_leave_request', "{'leave_type': 'sick'}"), ('get_payslip', '[1, 2]'), ('', '')]

def make_rows(n, seed=0):
    rng = random.Random(seed)
    makers = msd.hr_examples(rng)
    rows = []
    for i in range(n):
        u = rng.random()
        if u < 0.01: rows.append([f'{rng.choice(msd.OOS_EN + msd.OOS_ZH)} #{i}', 'none', ''])
        elif u < 0.03: t, a = rng.choice(BAD); rows.append([f'bad request #{i}', t, a])
        else:
            p, name, args = rng.choice(makers)()
            rows.append([f'{p} (ref {i})', name, json.dumps(args, ensure_ascii=False)])
    return rows

def write_xlsx(path, rows):
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet('examples'); ws.append(['User Prompt', 'Tool Name', 'Tool Args'])
    for r in rows: ws.append(r)
    ts = wb.create_sheet('tools'); ts.append(['name', 'description', 'parameters'])
    for t in msd.HR_TOOLS: ts.append([t['name'], t['description'], json.dumps(t['parameters'], ensure_ascii=False)])
    wb.save(path)

def timed(fn):
    t = time.perf_counter(); out = fn(); return out, time.perf_counter() - t

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--rows', type=int, default=100_000)
    ap.add_argument('--no-openpyxl', action='store_true', help='skip the (slow) openpyxl read comparison')
    ap.add_argument('--no-dataset', action='store_true', help='do not time saving the DatasetDict')
    a = ap.parse_args(argv)
    n = a.rows
    tmp = Path(tempfile.mkdtemp(prefix='bench_convert_'))
    rows = make_rows(n)
    xlsx, csvp = tmp/'rows.xlsx', tmp/'rows.csv'
    write_xlsx(xlsx, rows)
    with open(csvp, 'w', encoding='utf-8', newline='') as f: csv.writer(f).writerows([['User Prompt', 'Tool Name', 'Tool Args']] + rows)
    (tmp/'tools.json').write_text(json.dumps(msd.HR_TOOLS))
    res = []
    names, load = open_workbook(xlsx)
    _, s = timed(lambda: load('examples'))
    res.append(('read .xlsx (python-calamine)', n, s))
    if not a.no_openpyxl:
        _, s = timed(lambda: open_workbook(xlsx, engine='openpyxl')[1]('examples'))
        res.append(('read .xlsx (openpyxl fallback)', n, s))
    for label, path in (('.xlsx', xlsx), ('.csv', csvp)):
        conv, s = timed(lambda: convert(path, tools=str(tmp/'tools.json')))
        res.append((f'convert {label} (read+validate+format+split)', n, s))
    out = tmp/'out'
    _, s = timed(lambda: conv.write(out, dataset=False))
    res.append(('write JSONL + report', n, s))
    if not a.no_dataset:
        _, s = timed(lambda: conv.write(out, dataset=True))
        _, s2 = timed(lambda: conv.write(out, dataset=False))
        res.append(('save DatasetDict', n, s - s2))
    conv, s = timed(lambda: convert(xlsx, tools=str(tmp/'tools.json')).write(tmp/'out2', dataset=not a.no_dataset))
    res.append(('**end to end .xlsx -> all outputs**', n, s))
    r = json.loads((tmp/'out2'/'report.json').read_text())
    size = sum(p.stat().st_size for p in (tmp/'out2').glob('*.jsonl'))
    print(f"| stage | rows | seconds | rows/s |\n| --- | ---: | ---: | ---: |")
    for label, k, s in res: print(f"| {label} | {k:,} | {s:.2f} | {k / s:,.0f} |")
    print(f"\nrows: {r['rows_read']:,} read -> {r['train']:,} train, {r['test']:,} test, {r['rejected']:,} rejected "
          f"({', '.join(f'{k} {v:,}' for k, v in r['rejects_by_reason'].items())}); accounting_ok={r['accounting_ok']}; "
          f"JSONL output {size / 1e6:,.0f} MB")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")

if __name__ == '__main__':
    main()
