"""`make bench`: every benchmark, one after the other, printed as tables."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    other, articles = sys.argv[1], sys.argv[2]
    for script, args in (("opencc_bindings.py", [other]), ("build_times.py", []),
                         ("scale.py", ["--articles", articles])):
        print(f"\n## {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *args], check=True)
