#!/usr/bin/env python3
"""AVG-8 after the end-to-end suite: no IP address in the database (the
session store included), the servers' logs or a fresh backup.

Every browser request of the suite carried `X-Forwarded-For: 203.0.113.77`
to servers that trust it (WINKEL_TRUST_PROXY=true), so the code did read a
visitor address on every form; the browser itself connects from 127.0.0.1.
Any IPv4 or IPv6 address found is a failure, with one exception: the
server's own listen address in its start-up lines of the log.

Usage: scan_addresses.py [--db FILE.sqlite] [--log FILE...] [--backup FILE.zst]
                          [--text FILE...]
`--text` scans any text (a MariaDB dump, what a shared Redis holds) with no
exception. Exit status 0 when clean, 1 with every finding listed otherwise.
"""

import argparse
import ipaddress
import re
import sqlite3
import subprocess
import sys

IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
# Runs of hex digits and colons with at least two colons; parsed below, so
# times (09:18:23) and Rust paths (app::ssr) are not taken for addresses.
IPV6 = re.compile(r"(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:])")

# Log lines in which the server names its own listen address.
OWN_ADDRESS_LINE = re.compile(r"serves on|redirects to HTTPS|links in mails point to")


def addresses(text):
    """Every IP address in `text`."""
    found = []
    for match in IPV4.finditer(text):
        try:
            ipaddress.IPv4Address(match.group())
            found.append(match.group())
        except ValueError:
            pass
    for match in IPV6.finditer(text):
        token = match.group()
        # A real address has a digit, and either "::" or all eight groups.
        if not any(c.isdigit() for c in token):
            continue
        if "::" not in token and token.count(":") != 7:
            continue
        try:
            ipaddress.IPv6Address(token)
            found.append(token)
        except ValueError:
            pass
    return found


def scan_database(path):
    findings = []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    rows = 0
    for table in tables:
        for row in db.execute(f'SELECT * FROM "{table}"'):
            rows += 1
            for cell in row:
                if isinstance(cell, bytes):
                    cell = cell.decode("utf-8", "replace")
                for address in addresses(str(cell)):
                    findings.append(f"database, table {table}: {address} in {str(cell)[:120]!r}")
    db.close()
    return findings, len(tables), rows


def scan_log(path):
    findings = []
    lines = 0
    with open(path, encoding="utf-8", errors="replace") as log:
        for number, line in enumerate(log, 1):
            lines += 1
            for address in addresses(line):
                if OWN_ADDRESS_LINE.search(line) and address in ("127.0.0.1", "0.0.0.0", "::"):
                    continue
                findings.append(f"{path}:{number}: {address} in {line.strip()[:160]!r}")
    return findings, lines


def scan_text(path):
    with open(path, encoding="utf-8", errors="replace") as text:
        data = text.read()
    return [f"{path}: {a}" for a in addresses(data)], len(data)


def scan_backup(path):
    data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    text = data.decode("utf-8", "replace")
    return [f"backup {path}: {a}" for a in addresses(text)], len(data)


def self_test():
    """The detector must see what it is meant to see (a scan that finds
    nothing proves little if it could not find anything)."""
    for sample in ["203.0.113.77", "2001:db8::42", "fe80::1", "[::1]:3000", "10.0.0.1:443"]:
        assert addresses(f"x {sample} y"), sample
    # An IPv4-mapped IPv6 address is found by its IPv4 part.
    assert "198.51.100.9" in addresses("::ffff:198.51.100.9")
    for clean in ["09:18:23.840", "app::ssr::state", "winkel::jobs::backup", "v1.2.3", "2026-11-29T10:15:00"]:
        assert addresses(clean) == [], (clean, addresses(clean))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--log", action="append", default=[])
    parser.add_argument("--backup")
    parser.add_argument("--text", action="append", default=[])
    args = parser.parse_args()
    if not (args.db or args.log or args.backup or args.text):
        parser.error("nothing to scan")
    self_test()

    findings, tables, rows = scan_database(args.db) if args.db else ([], 0, 0)
    log_lines = 0
    for path in args.log:
        more, lines = scan_log(path)
        findings += more
        log_lines += lines
    backup_bytes = 0
    if args.backup:
        more, backup_bytes = scan_backup(args.backup)
        findings += more
    text_bytes = 0
    for path in args.text:
        more, size = scan_text(path)
        findings += more
        text_bytes += size
    if findings:
        print("IP addresses found (AVG-8):")
        for finding in findings:
            print(f"  {finding}")
        return 1
    # Only what was given to scan: "0 tables" would read as an empty shop.
    scanned = []
    if args.db:
        scanned.append(f"{tables} tables ({rows} rows)")
    if args.log:
        scanned.append(f"{log_lines} log lines")
    if args.backup:
        scanned.append(f"a backup of {backup_bytes} bytes")
    if args.text:
        scanned.append(f"{text_bytes} bytes of other text (dumps, Redis)")
    listed = ", ".join(scanned[:-1]) + (" and " if len(scanned) > 1 else "") + scanned[-1]
    print(f"no IP address in {listed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
