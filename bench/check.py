#!/usr/bin/env python3
"""After a load run: every 2xx answer must have left a paid order with exactly
one payment and one ORDER_CONFIRMATION notification. Reads the three SQLite
files directly (the platform is stopped by then).

    check.py DATA_DIR EXPECTED_OK                    # bench/run.sh
    check.py DATA_DIR --answers FILE... [--events FILE] [--markdown]   # bench/chaos.sh

With --answers (lines "<http status> <order id or -> [<problem code>]", one
per answered request, written by bench/chaos.lua) the check follows each 2xx answer's own
order into the databases, and reports answers by status, orders by final
status, and payments and confirmations per order. --events names the
restarts (lines "<name> <killed ms> <restarted ms> <ready ms>", Unix ms), so
orders that a restart held up are counted against the restart that did it.
--markdown prints the report as Markdown. Exit status 1 when a check fails.
"""
import argparse
import collections
import sqlite3
import sys
from datetime import datetime, timezone

FAILED_STATES = {"payment_failed", "cancelled"}

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("data_dir")
p.add_argument("expected_ok", nargs="?", type=int, help="2xx answers (without --answers)")
p.add_argument("--answers", nargs="+", default=[], metavar="FILE")
p.add_argument("--events", metavar="FILE")
p.add_argument("--markdown", action="store_true")
args = p.parse_args()
data_dir = args.data_dir

orders = sqlite3.connect(f"file:{data_dir}/order_service.db?mode=ro", uri=True)
payments = sqlite3.connect(f"file:{data_dir}/payment_service.db?mode=ro", uri=True)
notes = sqlite3.connect(f"file:{data_dir}/notification_service.db?mode=ro", uri=True)

by_status = dict(orders.execute("SELECT status, COUNT(*) FROM orders GROUP BY status"))
status_of = dict(orders.execute("SELECT id, status FROM orders"))
paid_ids = {i for i, s in status_of.items() if s == "paid"}
paid_with_history = orders.execute(
    "SELECT COUNT(*) FROM orders o WHERE status = 'paid' AND "
    "(SELECT COUNT(*) FROM order_status_history h WHERE h.order_id = o.id) = 3").fetchone()[0]
payment_rows = list(payments.execute("SELECT order_id, created_at, requested_by FROM payments"))
payment_orders = [r[0] for r in payment_rows]
confirmation_rows = list(notes.execute(
    "SELECT order_id, created_at FROM notifications WHERE template = 'ORDER_CONFIRMATION'"))
confirmations = [r[0] for r in confirmation_rows]

# The answers, when given.
answers = collections.Counter()  # status -> count
problem_codes = collections.Counter()  # (status, code) of non-2xx answers
ok_ids = []  # order ids answered 2xx
kept_by_problem = {}  # order id -> status of the non-2xx answer naming it
for path in args.answers:
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            status, oid = int(parts[0]), parts[1]
            answers[status] += 1
            if not 200 <= status < 300:
                problem_codes[(status, parts[2] if len(parts) > 2 else "-")] += 1
            if oid != "-":
                if 200 <= status < 300:
                    ok_ids.append(int(oid))
                else:
                    kept_by_problem[int(oid)] = f"{status} {parts[2] if len(parts) > 2 else '-'}"
expected_ok = args.expected_ok if args.expected_ok is not None else len(ok_ids)

problems = []
if len(paid_ids) < expected_ok:
    problems.append(f"{expected_ok} answers were 2xx but only {len(paid_ids)} orders are paid")
if set(payment_orders) != paid_ids or len(payment_orders) != len(set(payment_orders)):
    problems.append(f"payments ({len(payment_orders)}) do not match paid orders ({len(paid_ids)}) one to one")
if set(confirmations) != paid_ids or len(confirmations) != len(set(confirmations)):
    problems.append(f"confirmations ({len(confirmations)}) do not match paid orders ({len(paid_ids)}) one to one")
if paid_with_history != len(paid_ids):
    problems.append(f"{len(paid_ids) - paid_with_history} paid orders lack their 3-step history")
others = {k: v for k, v in by_status.items() if k != "paid"}
if others:
    problems.append(f"orders not paid: {others}")

pay_count = collections.Counter(payment_orders)
conf_count = collections.Counter(confirmations)


def sample(ids, n=20):
    ids = sorted(ids)
    return ", ".join(map(str, ids[:n])) + (f" ... ({len(ids)} in all)" if len(ids) > n else "")


def histogram(counter):
    h = collections.Counter(counter.get(i, 0) for i in status_of)
    return {k: h[k] for k in sorted(h)}


failed_ids = [i for i, s in status_of.items() if s in FAILED_STATES]
if args.answers:
    dup = [i for i, n in collections.Counter(ok_ids).items() if n > 1]
    if dup:
        problems.append(f"{len(dup)} orders were answered 2xx more than once: {sample(dup)}")
    bad_ok = sorted({i for i in ok_ids if status_of.get(i) != "paid" or pay_count[i] != 1 or conf_count[i] != 1})
    if bad_ok:
        problems.append(f"{len(bad_ok)} orders answered 2xx are not paid with exactly one payment and one "
                        f"confirmation: {sample(bad_ok)}")
    if failed_ids:
        problems.append(f"{len(failed_ids)} orders ended in a failure state: {sample(failed_ids)}")

def ms(at):
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() * 1000


# When each order reached its final status, and who took it there.
hist = collections.defaultdict(list)
for oid, status, at, actor in orders.execute(
        "SELECT order_id, status, at, actor FROM order_status_history ORDER BY order_id, id"):
    hist[oid].append((status, ms(at), actor or ""))

events = []
if args.events:
    with open(args.events) as f:
        for line in f:
            name, killed, restarted, ready = line.split()
            events.append((name, int(killed), int(restarted), int(ready)))

# The actor of the last step: the client's principal (the create flow, or
# the payment webhook on its behalf), or system:reconciler.
settled_by = collections.Counter(h[-1][2] or "-" for h in hist.values() if h[-1][0] == "paid")

confirmed_at = {o: ms(at) for o, at in confirmation_rows}

# Orders a restart held up: in flight (stored, not yet final) while the
# process was down or coming back, and more than 0.5 s from stored to final.
# And the longest wait from paid to the confirmation being queued, of the
# orders paid from the kill to the process being ready again.
per_event = []
for name, killed, restarted, ready in events:
    held = []
    mail_wait = 0
    for oid, h in hist.items():
        created, final = h[0][1], h[-1][1]
        if created <= ready and final >= killed and final - created > 500:
            held.append((oid, created, final, h[-1][2], h[-1][0]))
        if h[-1][0] == "paid" and killed <= final <= ready and oid in confirmed_at:
            mail_wait = max(mail_wait, confirmed_at[oid] - final)
    last = max((f for _, _, f, _, _ in held), default=None)
    per_event.append((name, killed, restarted, ready, held, last, mail_wait))

ok = not problems
answered = sum(answers.values())
ok_answers = sum(n for s, n in answers.items() if 200 <= s < 300)
non2xx = {f"{s} {c}": n for (s, c), n in sorted(problem_codes.items())}
kept_final = collections.Counter(status_of.get(i, "missing") for i in kept_by_problem)
unanswered = set(status_of) - set(ok_ids) - set(kept_by_problem)
unanswered_final = collections.Counter(status_of[i] for i in unanswered)

if args.markdown:
    print("| what | count |")
    print("|---|---:|")
    if args.answers:
        print(f"| requests answered (HTTP) | {answered} |")
        print(f"| 2xx | {ok_answers} |")
        print(f"| non-2xx | {sum(non2xx.values())}" + (" (" + ", ".join(f"{s}: {n}" for s, n in non2xx.items()) + ")"
                                                       if non2xx else "") + " |")
    print(f"| orders stored | {len(status_of)} |")
    print("| orders by final status | " + (", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())) or "none")
          + " |")
    if args.answers:
        print(f"| orders named by a non-2xx answer (problem body order_id), by final status | "
              + (", ".join(f"{k}: {v}" for k, v in sorted(kept_final.items())) or "none") + " |")
        print(f"| orders stored but never answered (wrk stopped, or the connection died), by final status | "
              + (", ".join(f"{k}: {v}" for k, v in sorted(unanswered_final.items())) or "none") + " |")
    print("| payments per order (payments: orders) | "
          + ", ".join(f"{k}: {v}" for k, v in histogram(pay_count).items()) + " |")
    print("| confirmations per order (ORDER_CONFIRMATION: orders) | "
          + ", ".join(f"{k}: {v}" for k, v in histogram(conf_count).items()) + " |")
    print("| paid orders by the actor of their last step | "
          + ", ".join(f"{k}: {v}" for k, v in settled_by.most_common()) + " |")
    if per_event:
        print()
        print("Orders each restart held up (in flight around the kill, and more than 0.5 s from stored to final):")
        print()
        print("| process | held up | settled by | final status | last one final, after the restart "
              "| longest paid to confirmation queued, of orders paid while it was down |")
        print("|---|---:|---|---|---:|---:|")
        for name, killed, restarted, ready, held, last, mail_wait in per_event:
            who = collections.Counter(a or "-" for _, _, _, a, _ in held)
            fin = collections.Counter(s for _, _, _, _, s in held)
            print(f"| {name} | {len(held)} | " + (", ".join(f"{k}: {v}" for k, v in who.most_common()) or "-")
                  + " | " + (", ".join(f"{k}: {v}" for k, v in fin.most_common()) or "-") + " | "
                  + (f"{(last - restarted) / 1000:.1f} s" if last is not None else "-") + f" | {mail_wait / 1000:.1f} s |")
    print()
    for label, ids in (("answered 2xx, not paid once and confirmed once", bad_ok if args.answers else []),
                       ("in a failure state", failed_ids),
                       ("named by a non-2xx answer", list(kept_by_problem))):
        if ids:
            print(f"Orders {label}: {sample(ids)}")
            print()
            for i in sorted(ids)[:10]:
                h = " -> ".join(f"{s} ({datetime.fromtimestamp(t / 1000, timezone.utc).strftime('%H:%M:%S.%f')[:-3]},"
                                f" {a})" for s, t, a in hist.get(i, []))
                answer = f"answered {kept_by_problem[i]}; " if i in kept_by_problem else ""
                paid = "; ".join(f"{at[11:23]} by {by}" for o, at, by in payment_rows if o == i)
                print(f"- order {i}: {answer}{h}; payments {pay_count[i]}" + (f" ({paid})" if paid else "")
                      + f", confirmations {conf_count[i]}")
            print()

print(f"CHECK 2xx={expected_ok} paid={len(paid_ids)} payments={len(payment_orders)} "
      f"confirmations={len(confirmations)} other={others or 'none'}")
if problems:
    print("CHECK FAILED: " + "; ".join(problems))
    sys.exit(1)
print("CHECK OK: every 2xx answer left a paid order with one payment and one confirmation")
