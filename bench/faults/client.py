#!/usr/bin/env python3
"""Load client of bench/faults.sh (issue 18): visitors who browse, fill
carts, check out as guests and log in, as a browser without JavaScript's
hydrated twin does (POST /api/<fn> with Accept: application/json).

Standard library only. Subcommands:
  shop      find the products (id, slug) of a running shop: shop.json
  register  register N customers for the logins: customers.json
  load      N visitors for S seconds: summary.json, events.csv, placed.jsonl
  stats     a summary.json as a table (one line per kind of request)
  window    requests that overlapped a time window: longest wait, statuses
  recovery  first answer 200 of a kind that ended after a moment
  verify    the database against placed.jsonl: lost, doubled, half-written
            orders and the stock

Every answer is classed: "ok" (2xx/3xx), "refused" (an answer a visitor can
get in a healthy shop: 409 sold out / empty cart), "deliberate" (429 or 503
with Retry-After: the shop asks to come back), "down" (no connection: the
server is not there), "error" (anything else: a 500, a 503 without
Retry-After, a timeout, an unexpected 4xx).
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

COOKIE = "winkel_session"
MIN_FILL = 2.2  # the form guard wants 2 s between page and post
TIMEOUT = 30.0


def kinds_ok_statuses(kind):
    """Statuses a healthy shop gives that are not errors (besides 2xx/3xx)."""
    if kind in ("add_to_cart", "place_order"):
        return {409}  # sold out, or the cart emptied meanwhile
    return set()


class Conn:
    """One keep-alive connection of a visitor, with its session cookie."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.http = None
        self.cookie = None

    def close(self):
        if self.http is not None:
            self.http.close()
            self.http = None

    def request(self, method, path, form=None, json_api=False):
        """(status, headers dict lower-case, body str); raises OSError or
        http.client.HTTPException when there is no answer."""
        headers = {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_api:
            headers["Accept"] = "application/json"
        if self.cookie:
            headers["Cookie"] = f"{COOKIE}={self.cookie}"
        for attempt in (0, 1):
            if self.http is None:
                self.http = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            try:
                self.http.request(method, path, body=body, headers=headers)
                res = self.http.getresponse()
                data = res.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                # A kept-alive connection the server closed meanwhile: once
                # more on a new one, as a browser does.
                self.close()
                if attempt == 1:
                    raise e
            except BaseException:
                self.close()
                raise
        hdrs = {k.lower(): v for k, v in res.getheaders()}
        for name, value in res.getheaders():
            if name.lower() == "set-cookie" and value.startswith(COOKIE + "="):
                self.cookie = value.split(";", 1)[0].split("=", 1)[1]
        if hdrs.get("connection", "").lower() == "close":
            self.close()
        return res.status, hdrs, data


class Recorder:
    """Every request of a run: events (for windows) and counts."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []  # (start, seconds, kind, status, class)
        self.samples = {}  # class/kind/status -> first bodies
        self.placed = []
        self.answer_lost = 0

    def add(self, start, seconds, kind, status, klass, body=""):
        with self.lock:
            self.events.append((start, seconds, kind, status, klass))
            if klass in ("error", "deliberate", "refused"):
                key = f"{klass} {kind} {status}"
                bucket = self.samples.setdefault(key, [])
                if len(bucket) < 3:
                    bucket.append(body[:300])


def classify(kind, status, hdrs):
    if status < 400:
        return "ok"
    if status in (429, 503) and "retry-after" in hdrs:
        return "deliberate"
    if status in kinds_ok_statuses(kind):
        return "refused"
    return "error"


class Visitor:
    def __init__(self, n, args, shop, customers, rec, stop_at):
        self.n, self.args, self.shop, self.customers = n, args, shop, customers
        self.rec, self.stop_at = rec, stop_at
        host, port = args.base.rsplit(":", 1)
        self.host, self.port = host.replace("http://", ""), int(port)
        self.conn = Conn(self.host, self.port)
        self.rng = random.Random(n * 7919 + int(time.time()))
        self.token = None
        self.token_at = 0.0
        self.attempt = 0
        self.served_by = ""

    def call(self, kind, method, path, form=None, json_api=False):
        """One request; (status or None, body). None: no answer (down)."""
        start = time.time()
        try:
            status, hdrs, body = self.conn.request(method, path, form, json_api)
        except socket.timeout:
            self.rec.add(start, time.time() - start, kind, -2, "error", "timeout")
            return None, ""
        except (OSError, http.client.HTTPException) as e:
            self.rec.add(start, time.time() - start, kind, -1, "down", str(e))
            return None, ""
        klass = classify(kind, status, hdrs)
        self.rec.add(start, time.time() - start, kind, status, klass, body)
        # Which instance answered, where a test's load balancer says so.
        self.served_by = hdrs.get("x-winkel-instance", "")
        return status, body

    def pause(self, seconds):
        time.sleep(min(seconds, max(0.0, self.stop_at - time.time())))

    def alive(self):
        return time.time() < self.stop_at

    def wait_if_down(self, status):
        if status is None:
            self.pause(0.5)  # the server is away: a person waits, then reloads
        elif status in (429, 503):
            self.pause(1.0)

    def form_token(self):
        """A form token as a page hands it out, at least MIN_FILL old."""
        if self.token is None or time.time() - self.token_at > 3600:
            status, body = self.call("form_token", "POST", "/api/form_token", {}, True)
            if status != 200:
                self.wait_if_down(status)
                return None
            self.token, self.token_at = body.strip().strip('"'), time.time()
        left = self.token_at + MIN_FILL - time.time()
        if left > 0:
            self.pause(left)
        return self.token

    def browse(self):
        status, _ = self.call("catalogue", "GET", "/")
        self.wait_if_down(status)
        product = self.rng.choice(self.shop["products"])
        status, _ = self.call("product", "GET", "/products/" + product["slug"])
        self.wait_if_down(status)

    def shop_and_check_out(self):
        """A new visitor: products into a cart, the cart, the checkout."""
        self.conn.cookie = None
        lines = {}
        uncertain = False  # an add whose answer never came may have landed
        for _ in range(self.rng.choice((1, 1, 2, 3))):
            if not self.alive():
                return
            product = self.rng.choice(self.shop["buyable"])
            status, _ = self.call("product", "GET", "/products/" + product["slug"])
            qty = self.rng.choice((1, 1, 2))
            status, _ = self.call(
                "add_to_cart", "POST", "/api/add_to_cart",
                {"product_id": product["id"], "quantity": str(qty)}, True)
            if status == 200:
                lines[str(product["id"])] = lines.get(str(product["id"]), 0) + qty
            else:
                uncertain = uncertain or status is None
                self.wait_if_down(status)
        if not lines or not self.alive():
            return
        self.call("cart", "GET", "/cart")
        if uncertain:
            # The cart as the checkout shows it is what will be ordered.
            status, body = self.call("get_cart", "POST", "/api/get_cart", {}, True)
            if status != 200:
                return
            lines = {str(l["product_id"]): l["quantity"] for l in json.loads(body)["lines"]}
        self.call("checkout_page", "GET", "/checkout")
        token = self.form_token()
        if token is None or not self.alive():
            return
        self.attempt += 1
        ident = f"{self.n}x{self.attempt}"
        form = {
            "email": f"koper{ident}@example.nl",
            "first_name": "Koper", "last_name": "Fout",
            "gender": "x", "street": "Dorpsstraat", "house_number": str(self.attempt),
            "postcode": "3511AB", "city": "Utrecht", "country": "NL",
            "phone": "0612345678", "delivery_method": "shipping",
            "payment_method": "bank_transfer", "form_started": token,
        }
        # A person whose page hung on "Bestelling plaatsen" reloads the
        # cart and, when it still holds the products, places it again.
        for _ in range(3):
            sent_at = time.time()
            status, body = self.call("place_order", "POST", "/api/place_order", form, True)
            if status == 200:
                with self.rec.lock:
                    self.rec.placed.append(
                        {"token": body.strip().strip('"'), "email": form["email"], "lines": lines,
                         "at": round(sent_at, 3), "by": self.served_by})
                self.call("order_page", "GET", "/orders/" + body.strip().strip('"'))
                return
            if status is not None and status not in (429, 503):
                return  # refused for good (sold out): the visitor leaves
            self.wait_if_down(status)
            while self.alive():
                status, body = self.call("get_cart", "POST", "/api/get_cart", {}, True)
                if status == 200:
                    break
                self.wait_if_down(status)
            if status != 200 or '"item_count":0' in body:
                if status == 200:
                    with self.rec.lock:
                        # The cart was emptied: the order was placed but its
                        # answer never came (or the cart was lost).
                        self.rec.answer_lost += 1
                return

    def log_in(self):
        if not self.customers:
            return
        email, password = self.customers[self.n % len(self.customers)]
        self.conn.cookie = None
        token = self.form_token()
        if token is None:
            return
        status, _ = self.call("login", "POST", "/api/login",
                              {"email": email, "password": password, "form_started": token}, True)
        if status == 200:
            self.call("account", "GET", "/account")
        else:
            self.wait_if_down(status)

    def run(self):
        weights = self.args.mix
        while self.alive():
            pick = self.rng.random() * sum(weights)
            if pick < weights[0]:
                self.browse()
            elif pick < weights[0] + weights[1]:
                self.shop_and_check_out()
            else:
                self.log_in()
            if self.args.think:
                self.pause(self.rng.random() * self.args.think)
        self.conn.close()


def healthz_prober(args, rec, stop_at):
    """/healthz every 100 ms, on a fresh connection each time."""
    host, port = args.base.replace("http://", "").rsplit(":", 1)
    while time.time() < stop_at:
        conn = Conn(host, int(port))
        start = time.time()
        try:
            status, hdrs, _ = conn.request("GET", "/healthz")
            klass = "ok" if status == 200 else ("deliberate" if status == 503 else "error")
            rec.add(start, time.time() - start, "healthz", status, klass)
        except (OSError, http.client.HTTPException):
            rec.add(start, time.time() - start, "healthz", -1, "down")
        conn.close()
        time.sleep(0.1)


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summarize(rec, seconds):
    kinds = {}
    for start, dur, kind, status, klass in rec.events:
        k = kinds.setdefault(kind, {"n": 0, "ok": 0, "refused": 0, "deliberate": 0,
                                    "down": 0, "error": 0, "fivexx": 0, "durations": [],
                                    "statuses": {}})
        k["n"] += 1
        k[klass] += 1
        if status >= 500 and klass == "error":
            k["fivexx"] += 1  # unexpected ones: a 503 with Retry-After is deliberate
        k["statuses"][str(status)] = k["statuses"].get(str(status), 0) + 1
        if klass in ("ok", "refused", "deliberate"):
            k["durations"].append(dur)
    out = {"seconds": seconds, "kinds": {}, "samples": rec.samples,
           "placed": len(rec.placed), "answer_lost": rec.answer_lost}
    total = {"n": 0, "ok": 0, "refused": 0, "deliberate": 0, "down": 0, "error": 0, "fivexx": 0}
    for kind, k in sorted(kinds.items()):
        d = k.pop("durations")
        k["p50_ms"] = round(percentile(d, 50) * 1000, 1)
        k["p99_ms"] = round(percentile(d, 99) * 1000, 1)
        k["max_ms"] = round(max(d) * 1000, 1) if d else 0.0
        k["per_s"] = round(k["n"] / seconds, 1) if seconds else 0.0
        out["kinds"][kind] = k
        for key in total:
            total[key] += k[key]
    out["total"] = total
    return out


def cmd_load(args):
    shop = json.load(open(args.shop))
    customers = json.load(open(args.customers)) if args.customers else []
    rec = Recorder()
    started = time.time()
    stop_at = started + args.seconds
    threads = [threading.Thread(target=Visitor(i, args, shop, customers, rec, stop_at).run, daemon=True)
               for i in range(args.clients)]
    if args.healthz:
        threads.append(threading.Thread(target=healthz_prober, args=(args, rec, stop_at), daemon=True))
    for i, t in enumerate(threads):
        t.start()
        if args.ramp and i < args.clients:
            time.sleep(args.ramp / args.clients)
    for t in threads:
        t.join(timeout=max(0.0, stop_at - time.time()) + TIMEOUT + 5)
    elapsed = time.time() - started
    os.makedirs(args.out, exist_ok=True)
    with rec.lock:
        with open(os.path.join(args.out, "events.csv"), "w") as f:
            for e in rec.events:
                f.write("%.3f,%.4f,%s,%d,%s\n" % e)
        with open(os.path.join(args.out, "placed.jsonl"), "w") as f:
            for p in rec.placed:
                f.write(json.dumps(p) + "\n")
        summary = summarize(rec, elapsed)
    json.dump(summary, open(os.path.join(args.out, "summary.json"), "w"), indent=1)
    print_stats(summary)


def print_stats(s):
    print("  %-14s %8s %7s %7s %8s %7s %6s %6s %9s %9s %9s" % (
        "request", "count", "per s", "ok", "refused", "429/503", "down", "errors", "p50 ms", "p99 ms", "max ms"))
    for kind, k in s["kinds"].items():
        print("  %-14s %8d %7.1f %7d %8d %7d %6d %6d %9.1f %9.1f %9.1f" % (
            kind, k["n"], k["per_s"], k["ok"], k["refused"], k["deliberate"], k["down"], k["error"],
            k["p50_ms"], k["p99_ms"], k["max_ms"]))
    t = s["total"]
    print("  %-14s %8d %7.1f %7d %8d %7d %6d %6d   (unexpected 5xx: %d; orders placed: %d; answer lost: %d)" % (
        "all", t["n"], t["n"] / s["seconds"] if s["seconds"] else 0, t["ok"], t["refused"],
        t["deliberate"], t["down"], t["error"], t["fivexx"], s["placed"], s["answer_lost"]))
    for key, bodies in sorted(s["samples"].items()):
        if key.startswith("error"):
            print("  sample %s: %s" % (key, bodies[0].replace("\n", " ")[:200]))


def cmd_stats(args):
    s = json.load(open(args.summary))
    if args.field:
        value = s
        for part in args.field.split("."):
            value = value.get(part, 0) if isinstance(value, dict) else 0
        print(value)
    else:
        print_stats(s)


def read_events(path):
    with open(path) as f:
        for line in f:
            start, dur, kind, status, klass = line.rstrip("\n").split(",")
            yield float(start), float(dur), kind, int(status), klass


def cmd_window(args):
    """Requests that were in flight during [from, to]: the longest one (its
    time inside the window counts only while the fault lasted), statuses."""
    longest, statuses, n = 0.0, {}, 0
    for start, dur, kind, status, klass in read_events(args.events):
        end = start + dur
        if end < args.start or start > args.end or kind == "healthz" and not args.healthz:
            continue
        if args.inside and (start < args.start or end > args.end):
            continue
        n += 1
        if kind != "healthz" and status != -1:
            longest = max(longest, dur)
        key = f"{kind}:{status}"
        statuses[key] = statuses.get(key, 0) + 1
    print(json.dumps({"requests": n, "longest_s": round(longest, 2), "statuses": statuses}))


def cmd_recovery(args):
    """Seconds from `after` to the end of the first 200 of `kind`."""
    best = None
    for start, dur, kind, status, klass in read_events(args.events):
        end = start + dur
        if kind == args.kind and status == 200 and end >= args.after:
            best = end if best is None else min(best, end)
    print("%.2f" % (best - args.after) if best is not None else "never")


# ---------------------------------------------------------------- database

def query(url, sql):
    """Rows of `sql` (lists of strings) from a sqlite:// or mysql:// URL."""
    if url.startswith("sqlite:"):
        path = url.split("://", 1)[1].split("?", 1)[0]
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return [[str(v) for v in row] for row in db.execute(sql).fetchall()]
        finally:
            db.close()
    u = urllib.parse.urlparse(url)
    cmd = ["mariadb", "--protocol=tcp", "-h", u.hostname, "-P", str(u.port or 3306),
           "-u", urllib.parse.unquote(u.username), "-N", "-B", u.path.lstrip("/"), "-e", sql]
    env = dict(os.environ, MYSQL_PWD=urllib.parse.unquote(u.password or ""))
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def execute(url, sql):
    if url.startswith("sqlite:"):
        path = url.split("://", 1)[1].split("?", 1)[0]
        db = sqlite3.connect(path, timeout=30)
        db.executescript(sql)
        db.commit()
        db.close()
    else:
        query(url, sql)


def cmd_stock(args):
    """Sets the stock of the active products (all but one plenty, one low,
    so that the last units are fought over) and saves it: stock.json."""
    rows = query(args.db, "SELECT id FROM products WHERE active = 1 ORDER BY id")
    ids = [r[0] for r in rows]
    stock = {i: args.plenty for i in ids}
    if ids:
        stock[ids[0]] = args.low
    execute(args.db, "".join(f"UPDATE products SET stock = {s} WHERE id = {i};" for i, s in stock.items()))
    json.dump(stock, open(args.out, "w"))


def cmd_verify(args):
    """Every order answered as placed exists exactly once with its lines;
    no order without lines; stock never below zero and down by exactly the
    units ordered. Prints a JSON verdict."""
    placed = [json.loads(line) for line in open(args.placed) if line.strip()]
    before = {int(k): v for k, v in json.load(open(args.stock)).items()}
    orders = query(args.db, "SELECT o.id, o.token, c.email FROM orders o "
                            "LEFT JOIN customers c ON c.id = o.customer_id")
    lines = query(args.db, "SELECT order_id, product_id, quantity FROM order_lines")
    stock_now = {int(r[0]): int(r[1]) for r in query(args.db, "SELECT id, stock FROM products")}
    by_order = {}
    for order_id, product_id, qty in lines:
        by_order.setdefault(order_id, {})
        by_order[order_id][product_id] = by_order[order_id].get(product_id, 0) + int(qty)
    by_token = {}
    per_email = {}
    for order_id, token, email in orders:
        by_token.setdefault(token, []).append(order_id)
        per_email[email] = per_email.get(email, 0) + 1
    lost, doubled, wrong_lines = [], [], []
    for p in placed:
        ids = by_token.get(p["token"], [])
        if not ids:
            lost.append({k: p.get(k) for k in ("token", "email", "at", "by")})
        elif len(ids) > 1:
            doubled.append(p["token"])
        elif by_order.get(ids[0], {}) != {k: int(v) for k, v in p["lines"].items()}:
            wrong_lines.append(p["token"])
    # Orders placed by the same checkout attempt (one email) more than once,
    # whether or not the visitor saw the answer.
    doubled_attempts = sum(1 for email, n in per_email.items()
                           if email and email.startswith("koper") and n > 1)
    without_lines = [o[0] for o in orders if o[0] not in by_order]
    sold = {}
    for order_id, product_id, qty in lines:
        if product_id not in ("", "None", "NULL"):
            sold[int(product_id)] = sold.get(int(product_id), 0) + int(qty)
    negative = [pid for pid, s in stock_now.items() if s < 0]
    stock_wrong = [pid for pid, s0 in before.items() if stock_now.get(pid, 0) != s0 - sold.get(pid, 0)]
    verdict = {
        "answered_placed": len(placed), "orders_in_db": len(orders),
        "lost": len(lost), "doubled": len(doubled) + doubled_attempts,
        "wrong_lines": len(wrong_lines), "without_lines": len(without_lines),
        "negative_stock": len(negative), "stock_mismatch": len(stock_wrong),
        "units_sold": sum(sold.values()),
        "examples": {"lost": lost[:3], "doubled": doubled[:3], "wrong_lines": wrong_lines[:3],
                     "without_lines": without_lines[:3], "stock_mismatch": stock_wrong[:3]},
    }
    print(json.dumps(verdict))


# ---------------------------------------------------------------- setup

def cmd_shop(args):
    host, port = args.base.replace("http://", "").rsplit(":", 1)
    conn = Conn(host, int(port))
    _, _, home = conn.request("GET", "/")
    slugs = sorted(set(re.findall(r'href="/products/([^"/?#]+)"', home)))
    products = []
    for slug in slugs:
        status, _, body = conn.request("POST", "/api/get_product", {"slug": slug}, True)
        if status == 200:
            products.append({"slug": slug, "id": json.loads(body)["id"]})
    if not products:
        sys.exit("no products on the home page")
    stock = json.load(open(args.stock)) if args.stock else {}
    low = [p for p in products if str(p["id"]) in stock and stock[str(p["id"])] <= 100]
    # Plenty to buy, and the one low-stock product among them.
    json.dump({"products": products, "buyable": products, "low": low}, open(args.out, "w"))
    print(f"{len(products)} products")


def cmd_register(args):
    host, port = args.base.replace("http://", "").rsplit(":", 1)
    conn = Conn(host, int(port))
    status, _, body = conn.request("POST", "/api/form_token", {}, True)
    if status != 200:
        sys.exit(f"form_token: {status} {body[:200]}")
    token = body.strip().strip('"')
    time.sleep(2.5)
    customers = []
    for i in range(args.count):
        email, password = f"vaste{i}@example.nl", "zeven zwanen zwemmen zacht"
        conn.cookie = None
        status, _, body = conn.request("POST", "/api/register", {
            "email": email, "first_name": "Vaste", "last_name": "Klant", "gender": "x",
            "street": "Dorpsstraat", "house_number": str(i + 1), "postcode": "1234AB",
            "city": "Utrecht", "country": "NL", "phone": "0612345678",
            "password": password, "form_started": token}, True)
        if status != 200:
            sys.exit(f"register {email}: {status} {body[:300]}")
        customers.append([email, password])
    json.dump(customers, open(args.out, "w"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("shop")
    s.add_argument("--base", required=True)
    s.add_argument("--stock")
    s.add_argument("--out", required=True)
    s = sub.add_parser("register")
    s.add_argument("--base", required=True)
    s.add_argument("--count", type=int, default=10)
    s.add_argument("--out", required=True)
    s = sub.add_parser("load")
    s.add_argument("--base", required=True)
    s.add_argument("--shop", required=True)
    s.add_argument("--customers")
    s.add_argument("--clients", type=int, default=20)
    s.add_argument("--seconds", type=float, default=60)
    s.add_argument("--mix", type=lambda v: [float(x) for x in v.split(",")], default=[5, 3, 1],
                   help="weights browse,checkout,login")
    s.add_argument("--think", type=float, default=0.0, help="pause up to this many s between visits")
    s.add_argument("--ramp", type=float, default=0.0, help="start the clients over this many s")
    s.add_argument("--healthz", action="store_true", help="probe /healthz every 100 ms too")
    s.add_argument("--out", required=True)
    s = sub.add_parser("stats")
    s.add_argument("summary")
    s.add_argument("--field")
    s = sub.add_parser("window")
    s.add_argument("--events", required=True)
    s.add_argument("--start", type=float, required=True)
    s.add_argument("--end", type=float, required=True)
    s.add_argument("--healthz", action="store_true")
    s.add_argument("--inside", action="store_true", help="only requests asked and answered inside")
    s = sub.add_parser("recovery")
    s.add_argument("--events", required=True)
    s.add_argument("--after", type=float, required=True)
    s.add_argument("--kind", required=True)
    s = sub.add_parser("stock")
    s.add_argument("--db", required=True)
    s.add_argument("--plenty", type=int, default=100000)
    s.add_argument("--low", type=int, default=40)
    s.add_argument("--out", required=True)
    s = sub.add_parser("verify")
    s.add_argument("--db", required=True)
    s.add_argument("--placed", required=True)
    s.add_argument("--stock", required=True)
    args = p.parse_args()
    {"shop": cmd_shop, "register": cmd_register, "load": cmd_load, "stats": cmd_stats,
     "window": cmd_window, "recovery": cmd_recovery, "stock": cmd_stock,
     "verify": cmd_verify}[args.cmd](args)


if __name__ == "__main__":
    main()
