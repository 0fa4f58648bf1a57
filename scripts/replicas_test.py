#!/usr/bin/env python3
"""Replicas and failures, end to end (issue: scale-out).

Two replicas of every service (order, payment, notification) as separate
processes on one PostgreSQL cluster, one database per service, and a
gateway balancing over them (ORDER_URL="http://a,http://b", ...). Mail goes
to a real SMTP server (platform/tests/smtp_server.py). Under create-order
load (wrk, bench/chaos.lua) and with a 600-row CSV import running, one
replica of each service is SIGKILLed in turn and not restarted: the others
must carry the whole load, take over the dead one's leases (the import and
its chunks, the reconciler, claimed notifications and outbox events) and
finish its work. Both order replicas pay the import's chunks.

Afterwards, read from the databases and the SMTP server's records:
  - every 2xx answer is a paid order with exactly one payment and exactly
    one ORDER_CONFIRMATION notification; nothing is left pending;
  - the import completed, with exactly one order, one payment and one
    confirmation per row, and every chunk recorded done exactly once (none
    done twice, none lost);
  - no notification was sent twice: none recorded as sent twice, and no
    Message-ID arrives twice at the SMTP server. The killed notification
    replica may leave one mail it was handing over (its handover recorded,
    its outcome not): that one is settled by the replica taking over as
    sent, unconfirmed, and not sent again; every other mail recorded as
    sent arrived exactly once;
  - the fleet's delivery rate stayed within NOTIFY_RATE_PER_SEC: in every
    window, at most burst + rate x window sends (from the attempt log).

    scripts/replicas_test.py --pg postgres://ec@127.0.0.1:PORT --bin target/debug

Exit status 1 when a check fails (the run directory is kept then).
"""
import argparse
import collections
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Below what two dispatchers can hand to the SMTP server (about 20 mails/s
# each here: a connection per mail), so the fleet's budget is what limits.
RATE, BURST = 25, 10
ROWS = 600  # the import's rows: with chunks of 2, one at a time, it lasts seconds
KEY = "sk_replicas_" + os.urandom(24).hex()

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--pg", required=True, help="PostgreSQL server URL, without a database")
p.add_argument("--bin", default="target/debug", help="directory of the service binaries")
p.add_argument("--seconds", type=int, default=12, help="length of the load")
args = p.parse_args()
bin_dir = (ROOT / args.bin).resolve()
run = pathlib.Path(tempfile.mkdtemp(prefix="ec-replicas."))
procs = {}
problems = []


def log(msg):
    print(f"[replicas] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(db, sql):
    out = subprocess.run(["psql", f"{args.pg}/{db}", "-tAF", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def http(method, path, body=None, content_type="application/json"):
    """One call through the gateway; a 503 (an endpoint that just died and
    is not yet left out) is retried, as a client would."""
    for attempt in range(20):
        req = urllib.request.Request(f"{gateway}{path}", data=body, method=method,
                                     headers={"authorization": f"Bearer {KEY}", "content-type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            if e.code != 503 or attempt == 19:
                raise
            time.sleep(0.3)


def start(name, binary, *argv, env=None):
    e = dict(os.environ, RUST_LOG="warn", NO_COLOR="1", METRICS_ADDR="127.0.0.1:0", **(env or {}))
    f = open(run / f"{name}.log", "a")
    procs[name] = subprocess.Popen([str(bin_dir / binary), *argv], env=e, stdout=f, stderr=f)


def wait_ready():
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{gateway}/readyz", timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.1)
    raise SystemExit("the fleet did not become ready")


def stop_all():
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


try:
    for db in ["orders", "payments", "notifications", "gateway"]:
        psql("postgres", f'DROP DATABASE IF EXISTS "{db}"')
        psql("postgres", f'CREATE DATABASE "{db}"')
    smtp_out = run / "smtp"
    smtp_out.mkdir()
    smtp = subprocess.Popen([sys.executable, str(ROOT / "platform/tests/smtp_server.py"), "--out", str(smtp_out),
                             "--port", "0"], stdout=subprocess.PIPE, text=True)
    smtp_port = int(smtp.stdout.readline().split()[1])

    ports = {n: free_port() for n in ["o1", "o2", "p1", "p2", "n1", "n2", "g"]}
    url = lambda *ns: ",".join(f"http://127.0.0.1:{ports[n]}" for n in ns)
    gateway = url("g")
    mesh = {"ORDER_URL": url("o1", "o2"), "PAYMENT_URL": url("p1", "p2"), "NOTIFICATION_URL": url("n1", "n2"),
            "EC_DATA_DIR": str(run / "data")}
    for i in ["1", "2"]:
        start(f"payment{i}", "payment-service", "--payment-addr", f"127.0.0.1:{ports['p' + i]}",
              env={**mesh, "DATABASE_URL": f"{args.pg}/payments"})
        start(f"notification{i}", "notification-service", "--notification-addr", f"127.0.0.1:{ports['n' + i]}",
              env={**mesh, "DATABASE_URL": f"{args.pg}/notifications", "NOTIFY_RATE_PER_SEC": str(RATE),
                   "NOTIFY_BURST": str(BURST), "NOTIFY_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"})
        start(f"order{i}", "order-service", "--order-addr", f"127.0.0.1:{ports['o' + i]}",
              env={**mesh, "DATABASE_URL": f"{args.pg}/orders", "IMPORT_CHUNK": "2", "IMPORT_IN_FLIGHT": "1"})
    start("gateway", "gateway", "--gateway-addr", f"127.0.0.1:{ports['g']}",
          env={**mesh, "DATABASE_URL": f"{args.pg}/gateway", "EC_ADMIN_API_KEY": KEY, "WEB_DIR": "/nonexistent"})
    wait_ready()
    log(f"2 x order, payment, notification on {args.pg}; gateway {gateway}")

    answers = run / "answers"
    began = time.time()
    wrk = subprocess.Popen(["wrk", "-t2", "-c4", f"-d{args.seconds}s", "--timeout", "60s", "-s", "bench/chaos.lua",
                            f"{gateway}/api/v1/orders"], cwd=ROOT, stdout=open(run / "wrk.out", "w"),
                           stderr=subprocess.STDOUT, env=dict(os.environ, BENCH_KEY=KEY, CHAOS_ANSWERS=str(answers)))
    time.sleep(2)
    csv = subprocess.run([sys.executable, str(ROOT / "bench/gen_orders_csv.py"), str(ROWS)], check=True,
                         capture_output=True).stdout
    imp = http("POST", "/api/v1/orders/imports?file_name=replicas.csv", csv, "text/csv")
    log(f"import {imp['id']} of {ROWS} rows submitted")
    # The order replica killed is the one running the import (its lease names
    # its process), once the import is under way: the other replica must take
    # the import over when the lease runs out, and finish it without doing a
    # chunk twice. (Small chunks, one at a time: the import lasts seconds.)
    holder = None
    while holder is None and time.time() < began + 30:
        lease = psql("orders", f"SELECT l.owner, i.succeeded_rows, i.total_rows FROM leases l JOIN imports i "
                               f"ON l.name = 'import:' || i.id WHERE i.id = '{imp['id']}' AND i.status = 'running'")
        # Its orders stored and some of them paid: mid-way.
        if lease and 0 < int(lease[0][1]) < int(lease[0][2]):
            pid = int(lease[0][0].split("-")[-2])
            holder = next(n for n, p in procs.items() if p.pid == pid)
            paid_at_kill = int(lease[0][1])
        else:
            time.sleep(0.02)
    if holder is None:
        raise SystemExit("the import was never seen mid-way with a lease: nothing to take over")
    order_victim = holder
    for t, name in [(0, order_victim), (7, "payment1"), (10, "notification1")]:
        time.sleep(max(0.0, began + t - time.time()))
        procs[name].kill()
        procs[name].wait()
        log(f"SIGKILL {name}" + (f" (it held the import's lease; {paid_at_kill} of {ROWS} rows paid)"
                                 if name == order_victim else ""))
    wrk.wait()
    log("load stopped; waiting for the fleet to finish the dead replicas' work")

    # Settled: nothing pending or paying, the import done, every mail sent.
    deadline = time.time() + 180
    while time.time() < deadline:
        left = psql("orders", "SELECT COUNT(*) FROM orders WHERE status IN ('pending', 'payment_processing') "
                              "OR pending_notification IS NOT NULL")[0][0]
        status = http("GET", f"/api/v1/orders/imports/{imp['id']}")["status"]
        queued = psql("notifications", "SELECT COUNT(*) FROM notifications WHERE status = 'queued'")[0][0]
        if left == "0" and status not in ("queued", "running") and queued == "0":
            break
        time.sleep(0.5)
    else:
        problems.append(f"not settled in 180 s: {left} orders unfinished, import {status}, {queued} mails queued")
    stop_all()
    smtp.kill()

    # Every 2xx answer: paid, one payment, one confirmation.
    ok = []
    for f in run.glob("answers.*"):
        for line in f.read_text().splitlines():
            status, oid, _ = (line.split() + ["-", "-"])[:3]
            if status.startswith("2") and oid != "-":
                ok.append(int(oid))
    status_of = dict((int(i), s) for i, s in psql("orders", "SELECT id, status FROM orders"))
    pays = collections.Counter(int(o) for (o,) in psql("payments", "SELECT order_id FROM payments"))
    confirmations = collections.Counter(int(o) for (o,) in psql(
        "notifications", "SELECT order_id FROM notifications WHERE template = 'ORDER_CONFIRMATION'"))
    bad = [o for o in ok if status_of.get(o) != "paid" or pays[o] != 1 or confirmations[o] != 1]
    if not ok:
        problems.append("no 2xx answer at all")
    if bad:
        problems.append(f"{len(bad)} of {len(ok)} 2xx answers are not a paid order with one payment and one "
                        f"confirmation, e.g. {[(o, status_of.get(o), pays[o], confirmations[o]) for o in bad[:5]]}")
    if len(ok) != len(set(ok)):
        problems.append("an order was answered 2xx twice")
    if any(n > 1 for n in pays.values()):
        problems.append("an order was paid twice")

    # The import: one order, payment and confirmation per row.
    rows = psql("orders", f"SELECT status, orders_created, total_rows FROM imports WHERE id = '{imp['id']}'")[0]
    batch = psql("orders", f"SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM orders WHERE batch_id = '{imp['id']}'")[0]
    batch_pays = psql("payments", f"SELECT COUNT(*), COUNT(DISTINCT order_id) FROM payments WHERE batch_id = '{imp['id']}'")[0]
    batch_mails = psql("notifications", f"SELECT COUNT(*), COUNT(DISTINCT order_id) FROM notifications "
                                        f"WHERE batch_id = '{imp['id']}'")[0]
    if rows[0] != "completed" or batch[0] != batch[1] or batch_pays[0] != batch_pays[1] or batch_mails[0] != batch_mails[1] \
            or not (batch[0] == batch_pays[0] == batch_mails[0] == rows[1]) or int(batch[0]) == 0:
        problems.append(f"import {rows}: orders {batch}, payments {batch_pays}, confirmations {batch_mails}")
    chunks = psql("orders", f"SELECT COUNT(*), COUNT(*) FILTER (WHERE runs = 1 AND done_at IS NOT NULL), "
                            f"COUNT(DISTINCT done_by) FROM import_chunks WHERE import_id = '{imp['id']}'")[0]
    if chunks[0] == "0" or chunks[0] != chunks[1]:
        problems.append(f"import chunks {chunks[0]}, of which done exactly once: {chunks[1]}")

    # Notifications: recorded as sent once each; at the SMTP server.
    twice = psql("notifications", "SELECT COUNT(*) FROM (SELECT notification_id FROM notification_attempts "
                                  "WHERE outcome = 'sent' GROUP BY notification_id HAVING COUNT(*) > 1) t")[0][0]
    if twice != "0":
        problems.append(f"{twice} notifications recorded as sent twice")
    ids = collections.Counter(json.loads(f.read_text())["message_id"] for f in smtp_out.glob("*.json"))
    sent = int(psql("notifications", "SELECT COUNT(*) FROM notifications WHERE status = 'sent'")[0][0])
    unconfirmed = int(psql("notifications", "SELECT COUNT(*) FROM notification_attempts WHERE outcome = 'unconfirmed'")[0][0])
    dup = sum(n - 1 for n in ids.values() if n > 1)
    if dup:
        problems.append(f"{dup} messages arrived twice at the SMTP server")
    # One killed dispatcher leaves at most one mail mid-handover; it may or
    # may not have reached the server (SMTP cannot say), all others did.
    if unconfirmed > 1:
        problems.append(f"{unconfirmed} mails unconfirmed: more than the one the killed dispatcher may have left")
    if not (sent - unconfirmed <= len(ids) <= sent):
        problems.append(f"{sent} notifications sent ({unconfirmed} unconfirmed), {len(ids)} distinct messages at the SMTP server")

    # The fleet's rate, from the attempt log: any window of sends fits the bucket.
    at = sorted(datetime.fromisoformat(a).timestamp() for (a,) in psql(
        "notifications", "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM notification_attempts"))
    worst, busiest, j = 0.0, 0, 0
    for i in range(len(at)):
        # windows of 1 s or more (shorter ones are within the burst anyway)
        while j < len(at) and at[j] - at[i] <= 1.0:
            j += 1
        # plus one dispatcher round (0.5 s): a round sends what it took at its start
        over = (j - i) - (BURST + RATE * 1.5)
        busiest = max(busiest, j - i)
        worst = max(worst, over)
    if worst > 1:
        problems.append(f"the fleet sent {int(worst)} more than burst + rate in a 1 s window")

    by_status = collections.Counter(status_of.values())
    log(f"{len(ok)} orders answered 2xx; orders by status {dict(by_status)}; import {rows[0]} with {batch[0]} orders "
        f"in {chunks[0]} chunks, each done once, by {chunks[2]} replicas; "
        f"{sent} mails sent, {len(ids)} at the SMTP server, {unconfirmed} unconfirmed, {dup} twice; "
        f"busiest 1 s of delivery: {busiest} sends (limit {RATE}/s, burst {BURST})")
finally:
    stop_all()

for msg in problems:
    log(f"PROBLEM: {msg}")
if problems:
    log(f"run directory kept: {run}")
    sys.exit(1)
shutil.rmtree(run, ignore_errors=True)
log("all checks passed")
