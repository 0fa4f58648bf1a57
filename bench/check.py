#!/usr/bin/env python3
"""After a load run: every 2xx answer must have left a paid order with exactly
one payment and one ORDER_CONFIRMATION notification. Reads the three SQLite
files directly (the platform is stopped by then)."""
import sqlite3
import sys

data_dir, expected_ok = sys.argv[1], int(sys.argv[2])
orders = sqlite3.connect(f"file:{data_dir}/order_service.db?mode=ro", uri=True)
payments = sqlite3.connect(f"file:{data_dir}/payment_service.db?mode=ro", uri=True)
notes = sqlite3.connect(f"file:{data_dir}/notification_service.db?mode=ro", uri=True)

by_status = dict(orders.execute("SELECT status, COUNT(*) FROM orders GROUP BY status"))
paid_ids = {r[0] for r in orders.execute("SELECT id FROM orders WHERE status = 'paid'")}
paid_with_history = orders.execute(
    "SELECT COUNT(*) FROM orders o WHERE status = 'paid' AND "
    "(SELECT COUNT(*) FROM order_status_history h WHERE h.order_id = o.id) = 3").fetchone()[0]
payment_orders = [r[0] for r in payments.execute("SELECT order_id FROM payments")]
confirmations = [r[0] for r in notes.execute(
    "SELECT order_id FROM notifications WHERE template = 'ORDER_CONFIRMATION'")]

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
print(f"CHECK 2xx={expected_ok} paid={len(paid_ids)} payments={len(payment_orders)} "
      f"confirmations={len(confirmations)} other={others or 'none'}")
if problems:
    print("CHECK FAILED: " + "; ".join(problems))
    sys.exit(1)
print("CHECK OK: every 2xx answer left a paid order with one payment and one confirmation")
