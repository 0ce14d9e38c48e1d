#!/usr/bin/env python
"""Generate the sample enterprise workbooks in data/raw/ (deterministic: same bytes of data every run).

    python scripts/make_sample_data.py            # writes data/raw/hr_routing.xlsx, crm_agent.xlsx, crm_tools.yaml
    python scripts/make_sample_data.py --hr-per-tool 170 --out /tmp/hr_big.xlsx   # only a larger HR sheet (benchmarks)

`--hr-per-tool N` asks for N valid rows per HR tool; a tool with fewer distinct requests gives all it has
(ask_policy_question has 120), and the script says so. The default sheets are unchanged by these options.

Each workbook holds an examples sheet (English and Chinese requests, >= 60 valid rows per tool, out-of-scope
rows marked `none`, and deliberately bad rows of every kind the converter must catch) and a `tools` sheet with
the declarations (name | description | parameters as JSON). The messiness is on purpose:

- hr_routing.xlsx: header in row 1, blank rows, a formula cell with no computed value, a 10,000-character
  cell, non-JSON / array / wrong-type / enum-violating arguments, unknown tools, duplicates, conflicting labels.
- crm_agent.xlsx: a `说明` (readme) sheet first, a merged title row above Chinese headers
  (用户请求 / 工具名称 / 工具参数 / 备注), a vertically merged Tool Name block, and the same kinds of bad rows.
"""
import argparse, json, random, sys
from pathlib import Path
import yaml
from openpyxl import Workbook
from openpyxl.styles import Font, Alignment

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT/'data'/'raw'

def S(desc, **kw): return {'type': 'string', 'description': desc, **kw}
def E(desc, values): return {'type': 'string', 'description': desc, 'enum': list(values)}
def I(desc): return {'type': 'integer', 'description': desc}
def N(desc): return {'type': 'number', 'description': desc}
def B(desc): return {'type': 'boolean', 'description': desc}
def O(desc, props, required=()):
    d = {'type': 'object', 'description': desc, 'properties': props}
    if required: d['required'] = list(required)
    return d
def tool(name, desc, props, required=()):
    p = {'type': 'object', 'properties': props}
    if required: p['required'] = list(required)
    return {'name': name, 'description': desc, 'parameters': p}

# ---------------------------------------------------------------- HR
LEAVE = ['annual', 'sick', 'parental', 'unpaid', 'bereavement', 'marriage']
BUILDINGS = ['HQ-A', 'HQ-B', 'Shanghai', 'Shenzhen', 'Berlin']
EQUIP = ['projector', 'whiteboard', 'video_conference', 'speakerphone']
IT_CAT = ['laptop', 'vpn', 'email', 'access', 'printer', 'software']
PRIO = ['low', 'medium', 'high', 'urgent']
DEVICES = ['laptop', 'desktop', 'phone', 'tablet']
TOPICS = ['leave', 'expenses', 'remote_work', 'travel', 'benefits', 'code_of_conduct']
COUNTRIES = ['CN', 'US', 'DE', 'SG']
INFO_FIELDS = ['address', 'phone', 'bank_account', 'emergency_contact']
RELATIONS = ['spouse', 'parent', 'sibling', 'friend', 'other']

HR_TOOLS = [
    tool('submit_leave_request', 'File a leave request for the employee who is asking.', {
        'leave_type': E('Kind of leave.', LEAVE), 'start_date': S('First day of leave, YYYY-MM-DD.'),
        'end_date': S('Last day of leave, YYYY-MM-DD.'), 'half_day': B('True when only half of a single day is taken.'),
        'reason': S('Optional free-text reason shown to the approver.')}, ['leave_type', 'start_date', 'end_date']),
    tool('get_payslip', 'Fetch the employee\'s payslip for one month.', {
        'period': O('Pay period.', {'year': I('Four-digit year.'), 'month': I('Month number 1-12.')}, ['year', 'month']),
        'format': E('File format.', ['pdf', 'html']), 'send_to_email': B('Email the payslip instead of showing it.')}, ['period']),
    tool('update_personal_info', 'Change one item of the employee\'s personal data on file.', {
        'field': E('Which item to change.', INFO_FIELDS), 'new_value': S('New value (address, phone number or IBAN).'),
        'emergency_contact': O('New emergency contact (only when field is emergency_contact).', {
            'name': S('Full name.'), 'phone': S('Phone number.'), 'relationship': E('Relationship to the employee.', RELATIONS)},
            ['name', 'phone'])}, ['field']),
    tool('book_meeting_room', 'Reserve a meeting room.', {
        'building': E('Office building.', BUILDINGS), 'date': S('Day of the meeting, YYYY-MM-DD.'),
        'start_time': S('Start time, HH:MM, 24-hour clock.'), 'duration_minutes': I('Length of the meeting in minutes.'),
        'attendees': I('Number of people.'), 'equipment': {'type': 'array', 'description': 'Equipment the room must have.', 'items': E('Equipment item.', EQUIP)}},
        ['building', 'date', 'start_time', 'duration_minutes']),
    tool('create_it_ticket', 'Open an IT support ticket.', {
        'category': E('Area of the problem.', IT_CAT), 'priority': E('How urgent it is.', PRIO), 'summary': S('One-line description of the problem.'),
        'device': O('Affected device, when there is one.', {'type': E('Device type.', DEVICES), 'asset_tag': S('Asset tag, e.g. IT-12345.')}, ['type'])},
        ['category', 'priority', 'summary']),
    tool('ask_policy_question', 'Answer a question about company HR policy.', {
        'topic': E('Policy area.', TOPICS), 'country': E('Country whose policy applies.', COUNTRIES), 'question': S('The question, as asked.')},
        ['topic', 'question']),
]

MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
LEAVE_EN = {'annual': ['annual leave', 'vacation days', 'holiday', 'PTO'], 'sick': ['sick leave', 'a sick day', 'sick days'],
            'parental': ['parental leave', 'paternity leave', 'maternity leave'], 'unpaid': ['unpaid leave'],
            'bereavement': ['bereavement leave', 'compassionate leave'], 'marriage': ['marriage leave', 'wedding leave']}
LEAVE_ZH = {'annual': ['年假', '带薪年假'], 'sick': ['病假'], 'parental': ['陪产假', '产假', '育儿假'], 'unpaid': ['事假', '无薪假'],
            'bereavement': ['丧假'], 'marriage': ['婚假']}
REASON_EN = ['family trip', 'moving house', 'doctor said rest', 'my sister\'s wedding', 'visiting parents', 'dentist appointment']
REASON_ZH = ['回老家', '搬家', '医生建议休息', '参加妹妹婚礼', '陪父母体检', '看牙医']
NAMES_EN = ['Emma Schmidt', 'Liam Carter', 'Sofia Rossi', 'Noah Becker', 'Mia Wong', 'Lucas Meyer', 'Olivia Tan', 'Ethan Park']
NAMES_ZH = ['王芳', '李强', '张伟', '刘洋', '陈静', '杨磊', '赵敏', '周杰']
CITIES_EN = ['Berlin', 'Munich', 'Singapore', 'Austin', 'Shanghai', 'Hamburg']
STREETS = ['12 Lindenstrasse, Berlin', '45 Orchard Road, Singapore', '88 Nanjing West Road, Shanghai', '7 Congress Ave, Austin',
           '3 Marienplatz, Munich', '19 Keppel Bay, Singapore']
STREETS_ZH = ['上海市静安区南京西路88号', '深圳市南山区科技园路1号', '北京市朝阳区建国路100号', '杭州市西湖区文三路20号']

def date(rng, year=2025):
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    return year, m, d
def iso(y, m, d): return f'{y:04d}-{m:02d}-{d:02d}'
def en_date(y, m, d): return rng_choice_en(m, d)
def rng_choice_en(m, d): return f'{MONTHS_EN[m-1]} {d}'
def zh_date(y, m, d): return f'{m}月{d}日'
def phone(rng): return f'+{rng.choice(["86 138", "49 151", "65 9", "1 512"])}{rng.randint(1000000, 9999999)}'

def hr_examples(rng):
    """(prompt, tool, args) triples, several templates per tool in English and Chinese."""
    def leave():
        lt = rng.choice(LEAVE); y, m, d = date(rng); n = rng.choice([0, 0, 1, 2, 4])
        end = (y, m, min(28, d + n)); zh = rng.random() < 0.45
        args = {'leave_type': lt, 'start_date': iso(y, m, d), 'end_date': iso(*end)}
        half = n == 0 and rng.random() < 0.3
        if half: args['half_day'] = True
        reason = rng.random() < 0.35
        if zh:
            r = rng.choice(REASON_ZH)
            if reason: args['reason'] = r
            w = rng.choice(LEAVE_ZH[lt]); s, e = zh_date(y, m, d), zh_date(*end)
            t = rng.choice([f'我想请{w}，{s}到{e}', f'帮我提交{w}申请，从{s}到{e}', f'{s}至{e}请{w}', f'申请{w}：{s}-{e}'] if n else
                           [f'{s}请一天{w}', f'我{s}要请{w}', f'帮我申请{s}的{w}'])
            if half: t = f'{s}上午请半天{w}'
            if reason: t += f'，原因：{r}'
        else:
            r = rng.choice(REASON_EN)
            if reason: args['reason'] = r
            w = rng.choice(LEAVE_EN[lt]); s, e = en_date(y, m, d), en_date(*end)
            t = rng.choice([f'I need {w} from {s} to {e}', f'Please book {w} for me, {s} - {e}', f'Request {w} {s} through {e}',
                            f'Can I take {w} between {s} and {e}?'] if n else [f'I want {w} on {s}', f'Put in {w} for {s} please', f'Taking {w} {s}'])
            if half: t = f'Half day of {w} on {s} morning'
            if reason: t += f' ({r})'
        return t, 'submit_leave_request', args
    def payslip():
        y, m = rng.choice([2023, 2024, 2025]), rng.randint(1, 12); zh = rng.random() < 0.45
        args = {'period': {'year': y, 'month': m}}
        fmt = rng.choice([None, None, 'pdf', 'html'])
        if fmt: args['format'] = fmt
        mail = rng.random() < 0.25
        if mail: args['send_to_email'] = True
        if zh:
            t = rng.choice([f'查一下{y}年{m}月的工资单', f'我要看{y}年{m}月工资条', f'{y}年{m}月的薪资明细', f'帮我下载{y}年{m}月的工资单'])
            if fmt: t += f'，{fmt.upper()}格式'
            if mail: t += '，发到我邮箱'
        else:
            t = rng.choice([f'Show me my payslip for {MONTHS_EN[m-1]} {y}', f'Payslip {MONTHS_EN[m-1]} {y}', f'I need the salary statement for {MONTHS_EN[m-1]} {y}',
                            f'Where is my pay stub from {MONTHS_EN[m-1][:3]} {y}?'])
            if fmt: t += f' as {fmt.upper()}'
            if mail: t += ', email it to me'
        return t, 'get_payslip', args
    def info():
        f = rng.choice(INFO_FIELDS); zh = rng.random() < 0.45
        if f == 'emergency_contact':
            nm = rng.choice(NAMES_ZH if zh else NAMES_EN); ph = phone(rng); rel = rng.choice(RELATIONS)
            args = {'field': f, 'emergency_contact': {'name': nm, 'phone': ph, 'relationship': rel}}
            relzh = {'spouse': '配偶', 'parent': '父母', 'sibling': '兄弟姐妹', 'friend': '朋友', 'other': '其他'}[rel]
            t = (rng.choice([f'把紧急联系人改成{nm}（{relzh}），电话{ph}', f'紧急联系人更新为{relzh}{nm}，{ph}']) if zh else
                 rng.choice([f'Change my emergency contact to {nm}, my {rel}, {ph}', f'Update emergency contact: {nm} ({rel}) {ph}']))
        else:
            v = {'address': rng.choice(STREETS_ZH if zh else STREETS), 'phone': phone(rng),
                 'bank_account': f'DE{rng.randint(10, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}'}[f]
            args = {'field': f, 'new_value': v}
            fzh = {'address': '住址', 'phone': '手机号', 'bank_account': '工资卡账号'}[f]
            fen = {'address': 'home address', 'phone': 'phone number', 'bank_account': 'bank account'}[f]
            t = (rng.choice([f'我的{fzh}改成{v}', f'更新{fzh}：{v}', f'请把我的{fzh}换成{v}']) if zh else
                 rng.choice([f'Update my {fen} to {v}', f'My new {fen} is {v}', f'Please change {fen} on file: {v}']))
        return t, 'update_personal_info', args
    def room():
        b = rng.choice(BUILDINGS); y, m, d = date(rng); hh, mm = rng.randint(8, 17), rng.choice([0, 30])
        dur = rng.choice([30, 45, 60, 90, 120]); zh = rng.random() < 0.45
        args = {'building': b, 'date': iso(y, m, d), 'start_time': f'{hh:02d}:{mm:02d}', 'duration_minutes': dur}
        ppl = rng.choice([None, 4, 6, 8, 12, 20])
        if ppl: args['attendees'] = ppl
        eq = rng.sample(EQUIP, rng.choice([0, 0, 1, 2]))
        if eq: args['equipment'] = eq
        eqzh = {'projector': '投影仪', 'whiteboard': '白板', 'video_conference': '视频会议设备', 'speakerphone': '会议电话'}
        if zh:
            t = rng.choice([f'订{b}的会议室，{zh_date(y, m, d)}{hh}点{"半" if mm else ""}开始，{dur}分钟', f'帮我在{b}约个会议室，{zh_date(y, m, d)} {hh:02d}:{mm:02d}，开{dur}分钟'])
            if ppl: t += f'，{ppl}个人'
            if eq: t += '，需要' + '和'.join(eqzh[e] for e in eq)
        else:
            t = rng.choice([f'Book a room in {b} on {en_date(y, m, d)} at {hh:02d}:{mm:02d} for {dur} minutes', f'Need a meeting room at {b}, {en_date(y, m, d)} {hh:02d}:{mm:02d}, {dur} min'])
            if ppl: t += f' for {ppl} people'
            if eq: t += ' with ' + ' and '.join(e.replace('_', ' ') for e in eq)
        return t, 'book_meeting_room', args
    def ticket():
        c = rng.choice(IT_CAT); p = rng.choice(PRIO); zh = rng.random() < 0.45
        probs = {'laptop': ('My laptop will not boot', '笔记本开不了机'), 'vpn': ('VPN keeps disconnecting', 'VPN老是断线'),
                 'email': ('Outlook cannot send mail', '邮箱发不出邮件'), 'access': ('I need access to the finance share', '需要开通财务共享盘权限'),
                 'printer': ('Printer on floor 3 is jammed', '三楼打印机卡纸'), 'software': ('Please install Tableau', '请帮我安装Tableau')}
        summ = probs[c][1 if zh else 0]
        args = {'category': c, 'priority': p, 'summary': summ}
        dev = c == 'laptop' or (c in ('vpn', 'email', 'software') and rng.random() < 0.4)
        if dev:
            dt = 'laptop' if c == 'laptop' else rng.choice(DEVICES); tag = f'IT-{rng.randint(10000, 99999)}'
            args['device'] = {'type': dt, 'asset_tag': tag}
        pzh = {'low': '不急', 'medium': '一般', 'high': '比较急', 'urgent': '非常紧急'}[p]
        if zh:
            t = rng.choice([f'{summ}，{pzh}', f'报修：{summ}（{pzh}）', f'IT工单：{summ}，优先级{pzh}'])
            if dev: t += f'，设备{args["device"]["asset_tag"]}'
        else:
            t = rng.choice([f'{summ}, priority {p}', f'Open a {p} ticket: {summ}', f'IT help ({p}): {summ}'])
            if dev: t += f', asset {args["device"]["asset_tag"]} ({args["device"]["type"]})'
        return t, 'create_it_ticket', args
    def policy():
        tp = rng.choice(TOPICS); zh = rng.random() < 0.45; ctry = rng.choice([None, 'CN', 'US', 'DE', 'SG'])
        qs = {'leave': ('How many days of annual leave do I get', '年假有多少天'), 'expenses': ('What is the limit for client dinners', '招待客户吃饭的报销上限是多少'),
              'remote_work': ('How many days a week can I work from home', '每周可以远程办公几天'), 'travel': ('Can I fly business class on long trips', '长途出差可以坐商务舱吗'),
              'benefits': ('Does the health plan cover dental', '医疗保险包括牙科吗'), 'code_of_conduct': ('May I accept a gift from a supplier', '可以收供应商的礼物吗')}
        q = qs[tp][1 if zh else 0]
        czh = {'CN': '中国', 'US': '美国', 'DE': '德国', 'SG': '新加坡'}
        cen = {'CN': 'China', 'US': 'the US', 'DE': 'Germany', 'SG': 'Singapore'}
        if zh: q = (f'在{czh[ctry]}' if ctry else '') + q + rng.choice(['？', '?', ''])
        else: q = q + (f' in {cen[ctry]}' if ctry else '') + '?'
        args = {'topic': tp, 'question': q}
        if ctry: args['country'] = ctry
        return q, 'ask_policy_question', args
    return [leave, payslip, info, room, ticket, policy]

OOS_EN = ['What is the weather in Berlin tomorrow?', 'Tell me a joke', 'Who won the football match last night?',
          'Translate "good morning" into French', 'What is 17 times 23?', 'Recommend a good sci-fi novel',
          'Order me a pizza', 'How do I cook risotto?', 'What is the capital of Australia?', 'Play some jazz music',
          'Book a flight to Tokyo', 'What time is it in New York?', 'Write a poem about autumn', 'How tall is Mount Everest?',
          'Set an alarm for 6am']
OOS_ZH = ['明天北京天气怎么样？', '讲个笑话', '昨晚球赛谁赢了？', '帮我把“早上好”翻译成日语', '17乘以23等于多少',
          '推荐一本科幻小说', '帮我点一份外卖', '红烧肉怎么做？', '澳大利亚的首都是哪里？', '放点音乐',
          '帮我订去东京的机票', '纽约现在几点？', '写一首关于秋天的诗', '珠穆朗玛峰有多高？', '定一个早上6点的闹钟']

# ---------------------------------------------------------------- CRM
STAGES = ['qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost']
SOURCES = ['web', 'referral', 'event', 'cold_call', 'partner']
LIFECYCLE = ['lead', 'prospect', 'customer', 'churned']
ACT = ['call', 'email', 'meeting', 'visit']
CHANNELS = ['phone', 'email', 'wechat', 'in_person']
PERIODS = ['this_week', 'last_week', 'this_month', 'last_month', 'this_quarter', 'last_quarter', 'this_year']
GROUPS = ['owner', 'region', 'product', 'stage']
REGIONS = ['north', 'south', 'east', 'west', 'overseas']

CRM_TOOLS = [
    tool('search_contacts', 'Search the CRM for contacts.', {
        'query': S('Free-text search (name, company, email).'),
        'filters': O('Optional filters.', {'company': S('Company name.'), 'city': S('City.'), 'tags': {'type': 'array', 'description': 'Contact tags.', 'items': {'type': 'string'}},
                                           'lifecycle_stage': E('Lifecycle stage.', LIFECYCLE)}),
        'limit': I('Maximum number of results.')}, []),
    tool('create_lead', 'Create a new sales lead.', {
        'name': S('Contact person.'), 'company': S('Company.'), 'email': S('Email address.'), 'phone': S('Phone number.'),
        'source': E('Where the lead came from.', SOURCES),
        'estimated_value': O('Estimated deal size.', {'amount': N('Amount.'), 'currency': E('Currency.', ['CNY', 'USD', 'EUR'])}, ['amount', 'currency'])},
        ['name', 'company', 'source']),
    tool('update_deal_stage', 'Move a deal to another pipeline stage.', {
        'deal_id': S('Deal number, e.g. D-1042.'), 'stage': E('New stage.', STAGES),
        'close_probability': N('Win probability between 0 and 1.'), 'note': S('Optional note for the deal history.')}, ['deal_id', 'stage']),
    tool('log_activity', 'Record a customer interaction.', {
        'contact_name': S('Who the activity was with.'), 'type': E('Kind of activity.', ACT), 'date': S('YYYY-MM-DD.'),
        'duration_minutes': I('Length in minutes.'), 'summary': S('What was discussed.')}, ['contact_name', 'type', 'date']),
    tool('schedule_follow_up', 'Schedule a follow-up task with a contact.', {
        'contact_name': S('Who to follow up with.'), 'due_date': S('YYYY-MM-DD.'), 'channel': E('How to reach out.', CHANNELS),
        'priority': E('Task priority.', ['low', 'normal', 'high']),
        'reminder': O('Reminder settings.', {'enabled': B('Send a reminder.'), 'minutes_before': I('Minutes before the task.')}, ['enabled'])},
        ['contact_name', 'due_date', 'channel']),
    tool('generate_sales_report', 'Build a sales report.', {
        'period': E('Reporting period.', PERIODS), 'group_by': E('Grouping.', GROUPS), 'region': E('Only this region.', REGIONS),
        'format': E('Output file format.', ['xlsx', 'pdf', 'csv'])}, ['period', 'group_by']),
]

COMPANIES_EN = ['Acme GmbH', 'Globex Ltd', 'Initech', 'Umbrella Corp', 'Stark Industries', 'Wayne Enterprises', 'Hooli', 'Vandelay Import']
COMPANIES_ZH = ['华为', '腾讯', '阿里巴巴', '比亚迪', '美的集团', '海尔', '小米', '京东']
CITIES_ZH = ['北京', '上海', '深圳', '杭州', '成都', '武汉']

def crm_examples(rng):
    def search():
        zh = rng.random() < 0.45; args = {}; filt = {}
        if zh:
            parts = []
            if rng.random() < 0.6: c = rng.choice(COMPANIES_ZH); filt['company'] = c; parts.append(f'{c}的')
            if rng.random() < 0.4: ci = rng.choice(CITIES_ZH); filt['city'] = ci; parts.insert(0, f'{ci}')
            if rng.random() < 0.4: ls = rng.choice(LIFECYCLE); filt['lifecycle_stage'] = ls; parts.append({'lead': '线索', 'prospect': '潜在客户', 'customer': '老客户', 'churned': '流失客户'}[ls])
            if not filt or rng.random() < 0.3: q = rng.choice(NAMES_ZH); args['query'] = q; parts.append(q)
            t = rng.choice(['查一下', '搜索', '找找', '帮我找']) + ''.join(parts) + rng.choice(['联系人', '的联系方式', ''])
            if rng.random() < 0.3: n = rng.choice([5, 10, 20]); args['limit'] = n; t += f'，最多{n}条'
        else:
            bits = []
            if rng.random() < 0.6: c = rng.choice(COMPANIES_EN); filt['company'] = c; bits.append(f'at {c}')
            if rng.random() < 0.4: ci = rng.choice(CITIES_EN); filt['city'] = ci; bits.append(f'in {ci}')
            if rng.random() < 0.3: tg = rng.sample(['vip', 'decision_maker', 'technical', 'newsletter'], 1); filt['tags'] = tg; bits.append(f'tagged {tg[0]}')
            if rng.random() < 0.4: ls = rng.choice(LIFECYCLE); filt['lifecycle_stage'] = ls; bits.insert(0, f'{ls}')
            if not filt or rng.random() < 0.3: q = rng.choice(NAMES_EN); args['query'] = q; bits.insert(0, f'named {q}')
            t = rng.choice(['Find contacts', 'Search for contacts', 'Look up people', 'Show me contacts']) + ' ' + ' '.join(bits)
            if rng.random() < 0.3: n = rng.choice([5, 10, 20]); args['limit'] = n; t += f', top {n}'
        if filt: args['filters'] = filt
        return t, 'search_contacts', args
    def lead():
        zh = rng.random() < 0.45; src = rng.choice(SOURCES)
        nm = rng.choice(NAMES_ZH if zh else NAMES_EN); co = rng.choice(COMPANIES_ZH if zh else COMPANIES_EN)
        args = {'name': nm, 'company': co, 'source': src}
        srczh = {'web': '官网', 'referral': '客户转介绍', 'event': '展会', 'cold_call': '陌生拜访', 'partner': '合作伙伴'}[src]
        if rng.random() < 0.4: args['email'] = f'{"contact" if zh else nm.split()[0].lower()}{rng.randint(1, 99)}@example.com'
        val = rng.random() < 0.5
        if val:
            cur = rng.choice(['CNY', 'USD', 'EUR']); amt = rng.choice([50000, 120000, 300000, 1500000, 25000.5])
            args['estimated_value'] = {'amount': amt, 'currency': cur}
        if zh:
            t = rng.choice([f'新建线索：{co}的{nm}，来源{srczh}', f'录入一个{srczh}来的线索，{co} {nm}', f'{nm}（{co}）是{srczh}渠道来的，建个线索'])
            if 'email' in args: t += f'，邮箱{args["email"]}'
            if val: t += f'，预计金额{args["estimated_value"]["amount"]}{args["estimated_value"]["currency"]}'
        else:
            t = rng.choice([f'New lead {nm} from {co}, source {src.replace("_", " ")}', f'Create a lead: {nm} at {co} ({src.replace("_", " ")})', f'Add {nm} of {co} as a lead, came via {src.replace("_", " ")}'])
            if 'email' in args: t += f', email {args["email"]}'
            if val: t += f', worth about {args["estimated_value"]["amount"]} {args["estimated_value"]["currency"]}'
        return t, 'create_lead', args
    def deal():
        zh = rng.random() < 0.45; did = f'D-{rng.randint(1000, 9999)}'; st = rng.choice(STAGES)
        args = {'deal_id': did, 'stage': st}
        stzh = {'qualification': '资格确认', 'proposal': '方案报价', 'negotiation': '商务谈判', 'closed_won': '赢单', 'closed_lost': '输单'}[st]
        if rng.random() < 0.35 and not st.startswith('closed'): p = rng.choice([0.2, 0.4, 0.6, 0.75, 0.9]); args['close_probability'] = p
        if zh:
            t = rng.choice([f'把商机{did}推进到{stzh}阶段', f'{did}改成{stzh}', f'更新{did}的阶段为{stzh}'])
            if 'close_probability' in args: t += f'，赢率{int(args["close_probability"] * 100)}%'
        else:
            t = rng.choice([f'Move deal {did} to {st.replace("_", " ")}', f'Set {did} stage to {st.replace("_", " ")}', f'{did} is now in {st.replace("_", " ")}'])
            if 'close_probability' in args: t += f', {int(args["close_probability"] * 100)}% likely to close'
        return t, 'update_deal_stage', args
    def activity():
        zh = rng.random() < 0.45; ty = rng.choice(ACT); y, m, d = date(rng)
        nm = rng.choice(NAMES_ZH if zh else NAMES_EN); args = {'contact_name': nm, 'type': ty, 'date': iso(y, m, d)}
        tyzh = {'call': '通话', 'email': '邮件沟通', 'meeting': '开会', 'visit': '拜访'}[ty]
        if ty in ('call', 'meeting', 'visit') and rng.random() < 0.5: dur = rng.choice([15, 30, 45, 60, 90]); args['duration_minutes'] = dur
        if rng.random() < 0.4: args['summary'] = rng.choice(['讨论续约', '报价反馈', '演示新功能'] if zh else ['renewal discussion', 'pricing feedback', 'demo of the new module'])
        if zh:
            t = rng.choice([f'记录一下：{zh_date(y, m, d)}和{nm}{tyzh}', f'{zh_date(y, m, d)}跟{nm}{tyzh}了，记一笔'])
            if 'duration_minutes' in args: t += f'，{args["duration_minutes"]}分钟'
            if 'summary' in args: t += f'，内容：{args["summary"]}'
        else:
            t = rng.choice([f'Log a {ty} with {nm} on {en_date(y, m, d)}', f'Record that I had a {ty} with {nm}, {en_date(y, m, d)}'])
            if 'duration_minutes' in args: t += f', {args["duration_minutes"]} minutes'
            if 'summary' in args: t += f' about {args["summary"]}'
        return t, 'log_activity', args
    def follow():
        zh = rng.random() < 0.45; y, m, d = date(rng); ch = rng.choice(CHANNELS)
        nm = rng.choice(NAMES_ZH if zh else NAMES_EN); args = {'contact_name': nm, 'due_date': iso(y, m, d), 'channel': ch}
        chzh = {'phone': '打电话', 'email': '发邮件', 'wechat': '发微信', 'in_person': '上门'}[ch]
        if rng.random() < 0.4: args['priority'] = rng.choice(['low', 'normal', 'high'])
        if rng.random() < 0.4: mb = rng.choice([15, 30, 60, 1440]); args['reminder'] = {'enabled': True, 'minutes_before': mb}
        if zh:
            t = rng.choice([f'{zh_date(y, m, d)}提醒我{chzh}跟进{nm}', f'安排{zh_date(y, m, d)}{chzh}回访{nm}'])
            if 'priority' in args: t += '，' + {'low': '低优先级', 'normal': '普通优先级', 'high': '高优先级'}[args['priority']]
            if 'reminder' in args: t += f'，提前{args["reminder"]["minutes_before"]}分钟提醒'
        else:
            t = rng.choice([f'Follow up with {nm} by {ch.replace("_", " ")} on {en_date(y, m, d)}', f'Schedule a {ch.replace("_", " ")} follow-up with {nm} for {en_date(y, m, d)}'])
            if 'priority' in args: t += f', {args["priority"]} priority'
            if 'reminder' in args: t += f', remind me {args["reminder"]["minutes_before"]} minutes before'
        return t, 'schedule_follow_up', args
    def report():
        zh = rng.random() < 0.45; p = rng.choice(PERIODS); g = rng.choice(GROUPS); args = {'period': p, 'group_by': g}
        pzh = {'this_week': '本周', 'last_week': '上周', 'this_month': '本月', 'last_month': '上个月', 'this_quarter': '本季度', 'last_quarter': '上季度', 'this_year': '今年'}[p]
        gzh = {'owner': '销售负责人', 'region': '区域', 'product': '产品', 'stage': '阶段'}[g]
        if rng.random() < 0.35: args['region'] = rng.choice(REGIONS)
        if rng.random() < 0.4: args['format'] = rng.choice(['xlsx', 'pdf', 'csv'])
        rzh = {'north': '华北', 'south': '华南', 'east': '华东', 'west': '西部', 'overseas': '海外'}
        if zh:
            t = rng.choice([f'出一份{pzh}按{gzh}汇总的销售报表', f'{pzh}销售报告，按{gzh}分组', f'给我{pzh}的业绩，按{gzh}看'])
            if 'region' in args: t += f'，只看{rzh[args["region"]]}'
            if 'format' in args: t += f'，导出{args["format"]}'
        else:
            t = rng.choice([f'Sales report for {p.replace("_", " ")} by {g}', f'Give me {p.replace("_", " ")} revenue grouped by {g}', f'Build a {p.replace("_", " ")} sales report per {g}'])
            if 'region' in args: t += f', {args["region"]} region only'
            if 'format' in args: t += f' as {args["format"]}'
        return t, 'generate_sales_report', args
    return [search, lead, deal, activity, follow, report]

CRM_OOS = ['What is the weather in Shanghai?', 'Write me a birthday message for my mom', 'How do I reset my Windows password?',
           'Who is the CEO of Apple?', 'Book a table for two tonight', 'Explain quantum computing simply', 'Convert 100 USD to EUR',
           'What is the best running shoe?', '今天股市怎么样？', '帮我写一封请假邮件', '附近有什么好吃的？', '怎么学Python？',
           '给我讲讲量子计算', '下周去上海出差订酒店', '今年春节放几天假？', 'Summarize the news today', 'How many calories in an apple?']

# ---------------------------------------------------------------- writing

def valid_rows(makers, rng, per_tool, allow_fewer=False):
    rows, seen = [], set()
    for mk in makers:
        n, tries = 0, 0
        while n < per_tool and tries < per_tool * 50:
            tries += 1
            t, name, args = mk()
            if t in seen: continue
            seen.add(t); rows.append([t, name, json.dumps(args, ensure_ascii=False)]); n += 1
        if n < per_tool and not allow_fewer: sys.exit(f'only {n} unique rows for {name}; add templates')
        if n < per_tool: print(f'{name}: {n} distinct requests (asked for {per_tool})')
    return rows

def bad_rows_hr():
    """(prompt, tool, args, expected reason) rows, one or more per failure class."""
    return [
        ['Vacation 3 to 5 May', 'submit_leave_request', "{leave_type: annual, start_date: 2025-05-03}", 'bad_json'],
        ["Sick tomorrow", 'submit_leave_request', "{'leave_type': 'sick', 'start_date': '2025-06-02', 'end_date': '2025-06-02'}", 'bad_json'],
        ['五月一号到三号请年假', 'submit_leave_request', '{“leave_type”：“annual”，“start_date”：“2025-05-01”，“end_date”：“2025-05-03”}', 'bad_json'],
        ['Payslip for Jan and Feb 2025', 'get_payslip', '[{"period": {"year": 2025, "month": 1}}, {"period": {"year": 2025, "month": 2}}]', 'not_an_object'],
        ['Book room for an hour', 'book_room', '{"building": "HQ-A"}', 'unknown_tool'],
        ['我要报销打车费', 'submit_expense', '{"amount": 58}', 'unknown_tool'],
        ['Book HQ-A on June 3 at 10:00 for 60 minutes', 'book_meeting_room', '{"building": "HQ-A", "date": "2025-06-03", "start_time": "10:00", "duration_minutes": "60"}', 'invalid_arguments'],
        ['查一下三月工资单', 'get_payslip', '{"period": {"year": 2025, "month": "三月"}}', 'invalid_arguments'],
        ['I want vacation next Friday', 'submit_leave_request', '{"leave_type": "vacation", "start_date": "2025-06-06", "end_date": "2025-06-06"}', 'invalid_arguments'],
        ['Laptop broken, critical!', 'create_it_ticket', '{"category": "laptop", "priority": "critical", "summary": "Laptop broken"}', 'invalid_arguments'],
        ['Need leave', 'submit_leave_request', '{"leave_type": "annual"}', 'invalid_arguments'],
        ['', 'get_payslip', '{"period": {"year": 2025, "month": 4}}', 'empty_prompt'],
        ['How do I change my bank account?', '', '', 'missing_tool'],
        ['What is the weather tomorrow?', 'none', '{"city": "Berlin"}', 'args_without_tool'],
    ]

def bad_rows_crm():
    return [
        ['Find Acme contacts', 'search_contacts', '{"filters": {"company": "Acme GmbH"', 'bad_json'],
        ['新建线索：小米的王芳', 'create_lead', "{'name': '王芳', 'company': '小米', 'source': 'web'}", 'bad_json'],
        ['Move D-1001 and D-1002 to proposal', 'update_deal_stage', '[{"deal_id": "D-1001", "stage": "proposal"}]', 'not_an_object'],
        ['Send a quote to Globex', 'send_quote', '{"company": "Globex Ltd"}', 'unknown_tool'],
        ['Log a call with Mia Wong today, 30 minutes', 'log_activity', '{"contact_name": "Mia Wong", "type": "call", "date": "2025-06-01", "duration_minutes": "30 minutes"}', 'invalid_arguments'],
        ['Move D-2001 to won', 'update_deal_stage', '{"deal_id": "D-2001", "stage": "won"}', 'invalid_arguments'],
        ['New lead Liam Carter from Hooli', 'create_lead', '{"name": "Liam Carter", "company": "Hooli", "source": "linkedin"}', 'invalid_arguments'],
        ['上周的销售报表', 'generate_sales_report', '{"period": "last_week"}', 'invalid_arguments'],
        ['Search contacts at Initech', 'search_contacts', '{"filters": {"company": "Initech", "size": 500}}', 'invalid_arguments'],
        ['', 'search_contacts', '{"query": "Noah"}', 'empty_prompt'],
        ['提醒我下周一跟进华为', '', '{"contact_name": "华为", "due_date": "2025-06-09", "channel": "phone"}', 'missing_tool'],
    ]

def style_header(ws, row, ncols):
    for c in range(1, ncols + 1):
        ws.cell(row=row, column=c).font = Font(bold=True)

def tools_sheet(wb, tools, title='tools'):
    ws = wb.create_sheet(title)
    ws.append(['name', 'description', 'parameters'])
    style_header(ws, 1, 3)
    for t in tools: ws.append([t['name'], t['description'], json.dumps(t['parameters'], ensure_ascii=False)])
    ws.column_dimensions['A'].width, ws.column_dimensions['B'].width, ws.column_dimensions['C'].width = 26, 50, 120

def make_hr(rng, per_tool=64, out=None):
    rows = valid_rows(hr_examples(rng), rng, per_tool, allow_fewer=per_tool != 64)
    oos = [[t, 'none', ''] for t in OOS_EN + OOS_ZH]
    bad = [r[:3] for r in bad_rows_hr()]
    dups = [list(r) for r in rng.sample(rows, 4)]                       # exact duplicates
    conflict = [[rows[0][0], 'ask_policy_question', json.dumps({'topic': 'leave', 'question': rows[0][0]}, ensure_ascii=False)]]
    data = rows + oos + bad + dups + conflict
    rng.shuffle(data)
    wb = Workbook(); ws = wb.active; ws.title = 'examples'
    ws.append(['User Prompt', 'Tool Name', 'Tool Args']); style_header(ws, 1, 3)
    for i, r in enumerate(data):
        ws.append(r)
        if i in (40, 41, 200):  ws.append([None, None, None])           # blank rows in the middle
    # a formula with no computed value (written by a script, never opened in Excel)
    ws.append(['=CONCATENATE("Book HQ-B on ","June 9")', 'book_meeting_room', '{"building": "HQ-B", "date": "2025-06-09", "start_time": "09:00", "duration_minutes": 30}'])
    # a huge cell: a whole e-mail thread pasted into the prompt
    ws.append(['Re: Re: Fwd: leave ' + ('> please see the thread below. ' * 330), 'submit_leave_request',
               '{"leave_type": "annual", "start_date": "2025-07-01", "end_date": "2025-07-02"}'])
    ws.column_dimensions['A'].width, ws.column_dimensions['B'].width, ws.column_dimensions['C'].width = 70, 24, 100
    ws.freeze_panes = 'A2'
    tools_sheet(wb, HR_TOOLS)
    wb.save(out or OUT/'hr_routing.xlsx')
    return len(data) + 2

def make_crm(rng):
    rows = valid_rows(crm_examples(rng), rng, 62)
    oos = [[t, rng.choice(['none', 'NONE', '无']), ''] for t in CRM_OOS]
    bad = [r[:3] for r in bad_rows_crm()]
    dups = [list(r) for r in rng.sample(rows, 3)]
    data = rows + oos + bad + dups
    rng.shuffle(data)
    wb = Workbook(); readme = wb.active; readme.title = '说明'
    for line in ['CRM 助手训练样本 / CRM agent training examples', '工具定义见 tools 工作表；样本见 训练样本 工作表。',
                 'Tool Name = none / 无 marks requests the agent must decline.']:
        readme.append([line])
    ws = wb.create_sheet('训练样本')
    ws.append(['CRM 助手路由样本（2025 Q2，销售运营部维护）']); ws.merge_cells('A1:D1')
    ws['A1'].font = Font(bold=True, size=14); ws['A1'].alignment = Alignment(horizontal='center')
    ws.append(['用户请求', '工具名称', '工具参数', '备注']); style_header(ws, 2, 4)
    for i, r in enumerate(data):
        ws.append(r + ([rng.choice(['', '', '', '已核对', 'from sales team', '待确认'])]))
        if i in (10, 150): ws.append([None, None, None, None])
    # a block of requests for one tool with a vertically merged Tool Name cell
    start = ws.max_row + 1
    for nm, d in [('周杰', '2025-07-01'), ('Olivia Tan', '2025-07-02'), ('赵敏', '2025-07-03')]:
        ws.append([f'记录一下：{d[5:7].lstrip("0")}月{d[8:].lstrip("0")}日和{nm}开会' if nm[0] > 'z' else f'Log a meeting with {nm} on {d}',
                   'log_activity' if nm == '周杰' else None, json.dumps({'contact_name': nm, 'type': 'meeting', 'date': d}, ensure_ascii=False), '合并单元格'])
    ws.merge_cells(f'B{start}:B{start + 2}')
    for col, w in zip('ABCD', (70, 24, 100, 16)): ws.column_dimensions[col].width = w
    tools_sheet(wb, CRM_TOOLS)
    wb.save(OUT/'crm_agent.xlsx')
    (OUT/'crm_tools.yaml').write_text('# CRM agent tool declarations (same as the `tools` sheet of crm_agent.xlsx).\n'
                                      '# Generated by scripts/make_sample_data.py; used by configs/experiments/exp_crm_agent.yaml.\n'
                                      + yaml.safe_dump(CRM_TOOLS, allow_unicode=True, sort_keys=False), encoding='utf-8')
    return len(data) + 3

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description='Generate the sample workbooks (deterministic).')
    ap.add_argument('--hr-per-tool', type=int, default=None, help='valid rows per HR tool (default 64, the sample sheet)')
    ap.add_argument('--out', default=None, help='with --hr-per-tool: write only this HR workbook')
    a = ap.parse_args()
    if a.hr_per_tool or a.out:
        if not (a.hr_per_tool and a.out): ap.error('--hr-per-tool and --out go together')
        n = make_hr(random.Random(20250601), a.hr_per_tool, Path(a.out))
        print(f'wrote {a.out} ({n} data rows)'); sys.exit(0)
    OUT.mkdir(parents=True, exist_ok=True)
    n1 = make_hr(random.Random(20250601))
    n2 = make_crm(random.Random(20250602))
    print(f'wrote {OUT/"hr_routing.xlsx"} ({n1} data rows), {OUT/"crm_agent.xlsx"} ({n2} data rows), {OUT/"crm_tools.yaml"}')
