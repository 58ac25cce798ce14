#!/usr/bin/env python3
"""Build the critical edition: `python build.py --help` says how."""

import sys

from edition.cli import main

if __name__ == "__main__":
    sys.exit(main())
