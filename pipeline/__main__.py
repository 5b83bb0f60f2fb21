import os
import sys

from pipeline.cli import main

status: str | int | None
try:
    status = main()
except SystemExit as stop:  # a failed build's status, or argparse's
    status = stop.code
if sys.argv[1:2] in (["build"], ["watch"]) and isinstance(status, int | None):
    # A build holds the model, jieba's and CC-CEDICT's dictionaries and WeasyPrint: freeing
    # them object by object at exit takes most of a second, which the system does at once.
    # Every output is written (atomically) and the memory committed by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status or 0)
sys.exit(status)
