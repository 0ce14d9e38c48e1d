"""Test-side Python ports of what Ollama and vLLM do with FunctionGemma prompts and outputs.

Not package code: fg_tuner never renders or parses this way. The ports exist so that tests
(nbs/78_ollama.ipynb) and the drift benchmark (benchmarks/bench_ollama.py) can measure what a model
trained on fg_tuner's format gets when it is served by these engines. Each function follows the
rules of the named source file; the sources were read at these commits:

- Ollama  fb30760996871fa9460115c753afd2c60d4ab0f7 (2026-08-21, after v0.33.0-rc2):
  model/renderers/functiongemma.go, model/parsers/functiongemma.go (added in 7325791, PR 13521, v0.13.5)
- vLLM    055e47c28003156421365af985d676fc921cb075: vllm/frontend/processing/tool_parsers/
  functiongemma_tool_parser.py (same logic as vllm/tool_parsers/functiongemma_tool_parser.py at
  fe3771baa0a0c2bb9c0738c702f10a2301e89366; added in PR 31218, documented from v0.14.0)

Imported by path from the notebook (no sys.path edits) and as a sibling module by the benchmark.
"""
import json, math, re, unicodedata

OLLAMA_TRIGGER = 'You can do function calling with the following functions:'
"Ollama's default developer sentence (`defaultSystemMessage` in model/renderers/functiongemma.go)."
CALL_OPEN, CALL_CLOSE, ESC = '<start_function_call>', '<end_function_call>', '<escape>'
CONTROL_TOKENS = ['<start_function_declaration>', '<end_function_declaration>', CALL_OPEN, CALL_CLOSE,
                  '<start_function_response>', '<end_function_response>', ESC]
"FunctionGemma's control tokens (ids 46..52)."
OLLAMA_PRESERVED = (CALL_OPEN, CALL_CLOSE)
"`FunctionGemmaParser.PreservedTokens()`: the only control tokens Ollama >= 0.30 asks llama-server to print."

# ---------------------------------------------------------------------------------------------
# Go helpers
# ---------------------------------------------------------------------------------------------
_GO_SPACE = set('\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000') | {chr(c) for c in range(0x2000, 0x200b)}

def go_trim_space(s: str) -> str:
    "Go's `strings.TrimSpace` (unicode.IsSpace; differs from `str.strip`, which also strips \\x1c-\\x1f)."
    i, j = 0, len(s)
    while i < j and s[i] in _GO_SPACE: i += 1
    while j > i and s[j - 1] in _GO_SPACE: j -= 1
    return s[i:j]

def _go_sorted(keys): return sorted(keys, key=lambda k: k.encode('utf-8'))  # sort.Strings: byte order

def _go_fmt_v(v) -> str:
    "Go's `fmt.Sprintf(\"%v\", v)` for the JSON scalar types formatArgValue falls through to."
    if v is None: return '<nil>'
    return str(v)

# ---------------------------------------------------------------------------------------------
# Ollama renderer (model/renderers/functiongemma.go, FunctionGemmaRenderer.Render)
# ---------------------------------------------------------------------------------------------
def _fn(tool: dict) -> dict:
    "The `function` object of an OpenAI-style tool (what Ollama's api.Tool unmarshals), or a bare one."
    return tool['function'] if isinstance(tool.get('function'), dict) else tool

def _prop_types(prop: dict) -> list:
    "api.PropertyType: a JSON string or list of strings."
    t = prop.get('type')
    return [] if t is None else [t] if isinstance(t, str) else list(t)

def ollama_declaration(tool: dict) -> str:
    "renderToolDeclaration: name, description, and per property only description + first type."
    fn = _fn(tool)
    params = fn.get('parameters') or {}
    out = ['<start_function_declaration>declaration:' + fn['name'] + '{', 'description:' + ESC + (fn.get('description') or '') + ESC]
    props, ptype, req = params.get('properties'), params.get('type') or '', params.get('required') or []
    if props is not None or ptype:
        out.append(',parameters:{')
        comma = False
        if props:
            parts = []
            for name in _go_sorted(props):
                p = props[name] or {}
                s = name + ':{description:' + ESC + (p.get('description') or '') + ESC
                if _prop_types(p): s += ',type:' + ESC + _prop_types(p)[0].upper() + ESC
                parts.append(s + '}')
            out.append('properties:{' + ','.join(parts) + '}'); comma = True
        if req:
            out.append((',' if comma else '') + 'required:[' + ','.join(ESC + r + ESC for r in req) + ']'); comma = True
        if ptype: out.append((',' if comma else '') + 'type:' + ESC + ptype.upper() + ESC)
        out.append('}')
    out.append('}<end_function_declaration>')
    return ''.join(out)

def ollama_arg_value(v) -> str:
    "formatArgValue (JSON values as Go decodes them: numbers are float64)."
    if isinstance(v, str): return ESC + v + ESC
    if isinstance(v, bool): return 'true' if v else 'false'
    if isinstance(v, int): return str(v)
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v): return str(int(v))
        return repr(v)
    if isinstance(v, dict): return '{' + ','.join(k + ':' + ollama_arg_value(v[k]) for k in _go_sorted(v)) + '}'
    if isinstance(v, list): return '[' + ','.join(ollama_arg_value(x) for x in v) + ']'
    return _go_fmt_v(v)

def _call_args(tc: dict) -> dict:
    f = tc['function'] if isinstance(tc.get('function'), dict) else tc
    a = f.get('arguments') or {}
    return json.loads(a) if isinstance(a, str) else a

def ollama_render(tools: list, messages: list) -> str:
    "The prompt Ollama sends to the model for `RENDERER functiongemma` (starts with `<bos>`)."
    out = ['<bos>']
    system, loop = '', list(messages)
    if loop and loop[0].get('role') in ('system', 'developer'):
        system, loop = loop[0].get('content') or '', loop[1:]
    if system or tools:
        out.append('<start_of_turn>developer\n')
        if system: out.append(go_trim_space(system))
        if tools:
            if system: out.append('\n')
            if go_trim_space(system) != OLLAMA_TRIGGER: out.append(OLLAMA_TRIGGER)
        out += [ollama_declaration(t) for t in tools]
        out.append('<end_of_turn>\n')
    prev = ''
    for i, m in enumerate(loop):
        role, content = m.get('role'), m.get('content') or ''
        if role == 'assistant':
            if prev != 'tool_response': out.append('<start_of_turn>model\n')
            prev = ''
            if content: out.append(go_trim_space(content))
            calls = m.get('tool_calls') or []
            if calls:
                for tc in calls:
                    f = tc['function'] if isinstance(tc.get('function'), dict) else tc
                    args = _call_args(tc)
                    out.append(CALL_OPEN + 'call:' + f['name'] + '{' + ','.join(k + ':' + ollama_arg_value(args[k]) for k in _go_sorted(args)) + '}' + CALL_CLOSE)
                if i + 1 < len(loop) and loop[i + 1].get('role') == 'tool':
                    out.append('<start_function_response>'); prev = 'tool_call'
                else: out.append('<end_of_turn>\n')
            else: out.append('<end_of_turn>\n')
        elif role == 'user':
            if prev != 'tool_response': out.append('<start_of_turn>user\n')
            prev = ''
            out.append(go_trim_space(content) + '<end_of_turn>\n')
        elif role == 'tool':
            name = ''
            for j in range(i - 1, -1, -1):
                if loop[j].get('role') == 'assistant' and loop[j].get('tool_calls'):
                    k = sum(1 for x in loop[j + 1:i] if x.get('role') == 'tool')
                    tcs = loop[j]['tool_calls']
                    if k < len(tcs): name = (tcs[k]['function'] if isinstance(tcs[k].get('function'), dict) else tcs[k])['name']
                    break
            if prev != 'tool_call': out.append('<start_function_response>')
            out.append('response:' + name + '{' + ollama_arg_value(content) + '}<end_function_response>')
            prev = 'tool_response'
        else:
            out.append('<start_of_turn>' + str(role) + '\n' + go_trim_space(content) + '<end_of_turn>\n')
    if prev != 'tool_response': out.append('<start_of_turn>model\n')
    return ''.join(out)

# ---------------------------------------------------------------------------------------------
# What llama-server prints (Ollama >= 0.30 runs every GGUF model through it)
# ---------------------------------------------------------------------------------------------
def strip_control_tokens(text: str, keep=OLLAMA_PRESERVED) -> str:
    "Text as llama-server detokenizes it: control tokens vanish unless listed in `preserved_tokens`."
    for t in CONTROL_TOKENS:
        if t not in keep: text = text.replace(t, '')
    return text

# ---------------------------------------------------------------------------------------------
# Ollama parser (model/parsers/functiongemma.go, FunctionGemmaParser)
# ---------------------------------------------------------------------------------------------
class GoPanic(RuntimeError):
    "The Go code would panic here (no recover in Ollama's chat goroutine: the server process exits)."

_CALL_RE = re.compile(r'call:([^{]+)\{(.*)\}')   # Go RE2 and Python agree here: '.' excludes '\n', [^{] includes it

def _split_arguments(s: str) -> list:
    parts, cur, depth, in_esc, i = [], [], 0, False, 0
    while i < len(s):
        if s.startswith(ESC, i):
            in_esc = not in_esc; cur.append(ESC); i += len(ESC); continue
        ch = s[i]
        if not in_esc and ch in '{[': depth += 1; cur.append(ch)
        elif not in_esc and ch in '}]': depth -= 1; cur.append(ch)
        elif not in_esc and ch == ',' and depth == 0:
            if cur: parts.append(''.join(cur)); cur = []
        else: cur.append(ch)
        i += 1
    if cur: parts.append(''.join(cur))
    return parts

_DIGITS = '0123456789_'
def _go_sscanf_int(s: str):
    "fmt.Sscanf(s, \"%d\", &int64): skip spaces, optional sign, decimal digits; ParseInt rejects '_' in base 10."
    i = 0
    while i < len(s) and s[i] in ' \t\r': i += 1
    j = i + (1 if i < len(s) and s[i] in '+-' else 0)
    k = j
    while k < len(s) and s[k] in _DIGITS: k += 1
    tok = s[i:k]
    if k == j or '_' in tok: return None
    v = int(tok)
    return v if -2**63 <= v < 2**63 else None

def _go_float_token(s: str) -> str:
    "fmt's floatToken: what Sscanf(\"%f\") reads from the start of `s` (the rest is ignored)."
    i = 0
    while i < len(s) and s[i] in ' \t\r': i += 1
    s, i, buf = s[i:], 0, []
    def accept(chars):
        nonlocal i
        if i < len(s) and s[i] in chars: buf.append(s[i]); i += 1; return True
        return False
    if accept('nN') and accept('aA') and accept('nN'): return ''.join(buf)
    accept('+-')
    if accept('iI') and accept('nN') and accept('fF'): return ''.join(buf)
    digits, exp = _DIGITS, 'eEpP'
    if accept('0') and accept('xX'): digits, exp = '0123456789aAbBcCdDeEfF_', 'pP'
    while accept(digits): pass
    if accept('.'):
        while accept(digits): pass
    if accept(exp):
        accept('+-')
        while accept(_DIGITS): pass
    return ''.join(buf)

def _go_parse_float(tok: str):
    "strconv.ParseFloat on fmt's token (None = error)."
    t = tok.lower()
    if t in ('nan', '+nan', '-nan'): return math.nan
    if t in ('inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity'): return -math.inf if t.startswith('-') else math.inf
    if '_' in tok and not re.match(r'[+-]?0[xX]', tok): return None
    try:
        if re.match(r'[+-]?0[xX]', tok): return float.fromhex(tok.replace('_', ''))
        return float(tok)
    except ValueError: return None

def _parse_number(s: str):
    v = _go_sscanf_int(s)
    if v is not None and str(v) == s: return v
    return _go_parse_float(_go_float_token(s))

def _parse_value(v: str):
    if v.startswith(ESC) and v.endswith(ESC):
        if len(v) < 2 * len(ESC): raise GoPanic(f'slice bounds out of range [8:{len(v) - 8}] parsing value {v!r}')
        return v[len(ESC):-len(ESC)]
    if v == 'true': return True
    if v == 'false': return False
    n = _parse_number(v)
    if n is not None: return n
    if v.startswith('[') and v.endswith(']'):
        items = [_parse_value(p) for p in _split_arguments(v[1:-1])]
        return items or None          # a nil []any marshals to JSON null
    if v.startswith('{') and v.endswith('}'): return _parse_object(v[1:-1])
    return v

def _parse_object(s: str) -> dict:
    out = {}
    for part in _split_arguments(s):
        c = part.find(':')
        if c < 0: continue
        out[part[:c]] = _parse_value(part[c + 1:])
    return out

def _parse_tool_call(body: str) -> dict:
    m = _CALL_RE.search(body)
    if not m: return {'name': '', 'arguments': {}}   # parseToolCall returns an empty call and no error
    return {'name': m.group(1), 'arguments': _parse_object(m.group(2)) if m.group(2) else {}}

def _overlap(s: str, tag: str) -> int:
    for n in range(min(len(tag) - 1, len(s)), 0, -1):
        if s.endswith(tag[:n]): return n
    return 0

class OllamaParser:
    "FunctionGemmaParser's state machine; `add` takes one streamed chunk, as Ollama's chat loop does."
    def __init__(self): self.buf, self.state = '', 'content'
    def add(self, chunk: str) -> tuple:
        self.buf += chunk
        content, calls = [], []
        while self.buf:
            if self.state == 'content':
                if CALL_OPEN in self.buf:
                    before, self.buf = self.buf.split(CALL_OPEN, 1)
                    content.append(before); self.state = 'calls'; continue
                n = _overlap(self.buf, CALL_OPEN)              # a partial tag stays buffered
                content.append(self.buf[:len(self.buf) - n]); self.buf = self.buf[len(self.buf) - n:]
                break
            if CALL_CLOSE not in self.buf: break                # wait for the close tag
            body, self.buf = self.buf.split(CALL_CLOSE, 1)
            calls.append(_parse_tool_call(body))
            if CALL_OPEN not in self.buf: self.state = 'content'
        return ''.join(content), calls

_CHUNK = re.compile('|'.join(map(re.escape, CONTROL_TOKENS)) + r'|.', re.S)

def stream_chunks(text: str) -> list:
    "Token-like chunks: each control token whole, other text one character at a time."
    return _CHUNK.findall(text)

def ollama_parse(text: str, chunks=None) -> tuple:
    "`(content, calls)` Ollama's FunctionGemma parser returns for a streamed output (what is still buffered at the end is lost)."
    p, content, calls = OllamaParser(), [], []
    for c in (stream_chunks(text) if chunks is None else chunks):
        a, b = p.add(c); content.append(a); calls += b
    return ''.join(content), calls

def _go_json(v):
    "A value as Go's json.Marshal writes it and a client reads it back: integral floats lose their '.0'; NaN/Inf fail."
    if isinstance(v, float):
        if not math.isfinite(v): raise ValueError(f'json: unsupported value: {v}')
        return int(v) if v.is_integer() and abs(v) < 1e21 else v
    if isinstance(v, dict): return {k: _go_json(x) for k, x in v.items()}
    if isinstance(v, list): return [_go_json(x) for x in v]
    return v

def ollama_client_calls(calls: list) -> list:
    "The calls as an API client receives them from Ollama (a NaN/Inf argument makes the whole response fail)."
    return [{'name': c['name'], 'arguments': _go_json(c['arguments'])} for c in calls]

# ---------------------------------------------------------------------------------------------
# vLLM parser (FunctionGemmaToolParser.extract_tool_calls)
# ---------------------------------------------------------------------------------------------
_VLLM_CALL = re.compile(r'<start_function_call>call:(\w+)\{(.*?)\}<end_function_call>|<start_function_call>call:(\w+)\{(.*)', re.S)
_VLLM_ARG = re.compile(r'(\w+):<escape>(.*?)<escape>', re.S)

def _vllm_args(s: str) -> dict:
    out = {}
    for k, v in _VLLM_ARG.findall(s or ''):
        try: out[k] = json.loads(v)
        except json.JSONDecodeError: out[k] = v
    return out

def vllm_parse(text: str) -> tuple:
    "`(content, calls)` of vLLM's non-streaming FunctionGemma tool parser (arguments decoded from its JSON string)."
    if CALL_OPEN not in text: return text, []
    calls = []
    for m in _VLLM_CALL.findall(text):
        name, args = m[0] or m[2], m[1] if m[1] else m[3]
        if name: calls.append({'name': name, 'arguments': json.loads(json.dumps(_vllm_args(args), ensure_ascii=False))})
    if not calls: return text, []
    i = text.find(CALL_OPEN)
    return (text[:i].strip() or None) if i > 0 else None, calls
