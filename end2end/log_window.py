#!/usr/bin/env python3
"""Prints the lines of log files written within SECONDS of a moment: what
the instances, HAProxy and the database nodes said around an order that a
check found wrong (end2end/cluster-test.sh). Reads the three timestamp
shapes of those logs: RFC 3339 (winkel's tracing), `2026-12-05 20:45:21`
(MariaDB) and `05/Dec/2026:20:45:21.123` (HAProxy's %tr); all UTC.

  log_window.py AT SECONDS FILE...     AT: Unix time, as the load client
                                       records it
"""
import datetime
import re
import sys

SHAPES = [
    (re.compile(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d+)?)"),
     lambda m: f"{m.group(1)} {m.group(2)}", ["%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"]),
    (re.compile(r"(\d\d/\w{3}/\d{4}):(\d\d:\d\d:\d\d(?:\.\d+)?)"),
     lambda m: f"{m.group(1)} {m.group(2)}", ["%d/%b/%Y %H:%M:%S.%f", "%d/%b/%Y %H:%M:%S"]),
]
MOST_PER_FILE = 60


def moment(line):
    """The Unix time a log line begins with, or None."""
    for pattern, text, formats in SHAPES:
        m = pattern.search(line[:40])
        if not m:
            continue
        for fmt in formats:
            try:
                at = datetime.datetime.strptime(text(m)[:26], fmt)
                return at.replace(tzinfo=datetime.timezone.utc).timestamp()
            except ValueError:
                pass
    return None


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    at, seconds = float(sys.argv[1]), float(sys.argv[2])
    for path in sys.argv[3:]:
        shown = []
        try:
            with open(path, errors="replace") as f:
                for line in f:
                    t = moment(line)
                    if t is not None and abs(t - at) <= seconds:
                        shown.append(line.rstrip("\n")[:400])
        except OSError as e:
            print(f"--- {path}: {e}")
            continue
        print(f"--- {path}: {len(shown)} lines within {seconds:g} s")
        for line in shown[:MOST_PER_FILE]:
            print("  " + line)
        if len(shown) > MOST_PER_FILE:
            print(f"  … {len(shown) - MOST_PER_FILE} more")


if __name__ == "__main__":
    main()
