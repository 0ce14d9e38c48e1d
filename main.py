"""Thin entry point, kept for the seed's spelling:

    python main.py --config-name base_config experiments=exp_hr_routing training.learning_rate=1e-4

is the same as `fg-tuner train --config-name base_config experiments=exp_hr_routing training.learning_rate=1e-4`.
Any `fg-tuner` subcommand also works: `python main.py convert data/raw/hr_routing.xlsx`."""
import sys
from fg_tuner.cli import main_py

if __name__ == '__main__':
    sys.exit(main_py())
