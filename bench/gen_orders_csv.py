#!/usr/bin/env python3
"""Writes an order CSV for the bulk import: N data rows, every 5th row a
second item of the previous order (shared external_ref), optionally a few bad
rows, UTF-8 or Shift_JIS.

  bench/gen_orders_csv.py 10000 > orders.csv
  bench/gen_orders_csv.py 100 --bad 7 --encoding shift_jis > orders-sjis.csv
"""
import argparse
import sys

NAMES = ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健", "伊藤 さくら", "渡辺 翔", "中村 愛"]
PRODUCTS = [("1001", "オーガニック緑茶 100g", 1480), ("1002", "抹茶ラテ", 680), ("2003", "有田焼 湯呑み", 3200),
            ("3004", "羊羹 詰め合わせ", 2400), ("4005", "どら焼き 6個入", 1200)]

p = argparse.ArgumentParser()
p.add_argument("rows", type=int)
p.add_argument("--bad", type=int, default=0, help="make every k-th row invalid (zero quantity)")
p.add_argument("--encoding", default="utf-8")
p.add_argument("--customers", type=int, default=1000, help="distinct customers")
a = p.parse_args()

out = ["external_ref,customer_name,customer_email,customer_phone,shipping_address,product_id,product_name,quantity,unit_price"]
ref = 0
for i in range(a.rows):
    if i % 5 != 4:
        ref += 1
    c = ref % a.customers
    name = NAMES[c % len(NAMES)]
    pid, pname, price = PRODUCTS[i % len(PRODUCTS)]
    qty = 1 + i % 3
    if a.bad and i % a.bad == a.bad - 1:
        qty = 0
    out.append(f"R{ref:06d},{name},customer{c}@example.jp,090-0000-{c % 10000:04d},東京都千代田区{c}-1,{pid},{pname},{qty},{price}")
sys.stdout.buffer.write(("\n".join(out) + "\n").encode(a.encoding))
