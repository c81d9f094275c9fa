"""The references for RetentionMetrics, timed on the same orders in the same run.

pandas for the summary, the cohort matrix and RFM; lifetimes 0.11.3 for the BG/NBD and
Gamma-Gamma fits and the predictions; DuckDB for the cohort matrix in SQL. Reads the CSV and the
JSON that metrics-ratio wrote, prints each step's time, the ratio reference / RetentionMetrics,
and whether the fitted parameters and the other figures agree.

    python metrics-reference.py ORDERS.csv SWIFT.json
"""
import json
import math
import sys
import time

import duckdb
import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

csv_path, swift_path = sys.argv[1], sys.argv[2]
swift = json.load(open(swift_path))
end = pd.Timestamp(swift["observation_end"])

# Loading is not timed, on either side: both start from the order log in memory.
orders = pd.read_csv(csv_path, dtype={"customer_id": "int64", "amount": "float64"}, parse_dates=["date"])
# Money in integer cents, as RetentionMetrics keeps it: float sums of equal totals can differ in
# the last bit and would break RFM ties differently.
orders["cents"] = (orders["amount"] * 100).round().astype("int64")
print(f"{len(orders):,} orders, {orders.customer_id.nunique():,} customers")

seconds = {}


def timed(name, work):
    start = time.perf_counter()
    result = work()
    seconds[name] = time.perf_counter() - start
    print(f"{name}: {seconds[name]:.3f} s")
    return result


def summary():
    """lifetimes' definitions: purchases by day, the first left out of the spend average."""
    daily = orders.groupby(["customer_id", "date"], sort=True, as_index=False)["amount"].sum()
    per = daily.groupby("customer_id", sort=False).agg(
        first=("date", "first"), last=("date", "last"), days=("date", "size"),
        total=("amount", "sum"), first_amount=("amount", "first"))
    out = pd.DataFrame(index=per.index)
    out["frequency"] = per["days"] - 1
    out["recency"] = (per["last"] - per["first"]).dt.days.astype("float64")
    out["T"] = (end - per["first"]).dt.days.astype("float64")
    repeat = out["frequency"] > 0
    out["monetary_value"] = np.where(repeat, (per["total"] - per["first_amount"]) / out["frequency"].where(repeat, 1), 0.0)
    return out


def cohort_pandas():
    month = orders["date"].dt.year * 12 + orders["date"].dt.month - 1
    cohort = month.groupby(orders["customer_id"]).transform("min")
    frame = pd.DataFrame({"cohort": cohort, "offset": month - cohort, "customer_id": orders["customer_id"], "amount": orders["amount"]})
    active = frame.drop_duplicates(["customer_id", "offset"]).groupby(["cohort", "offset"]).size().unstack(fill_value=0)
    revenue = frame.groupby(["cohort", "offset"])["amount"].sum().unstack(fill_value=0)
    size = active[0]
    return active, active.div(size, axis=0) * 100, revenue


def rfm_pandas():
    per = orders.groupby("customer_id").agg(last=("date", "max"), frequency=("date", "size"), monetary=("cents", "sum"))
    recency = (end - per["last"]).dt.days
    n = len(per)

    def score(values):
        # 1 + floor(5 × customers strictly worse ÷ n), as RetentionMetrics scores.
        return 1 + (5 * (values.rank(method="min") - 1) // n).astype("int64")

    return pd.DataFrame({"r": score(-recency), "f": score(per["frequency"]), "m": score(per["monetary"])})


table = timed("summary", summary)
active, retention, revenue = timed("cohort_pandas", cohort_pandas)
rfm = timed("rfm", rfm_pandas)

connection = duckdb.connect()
connection.execute("CREATE TABLE orders AS SELECT customer_id, CAST(date AS DATE) AS date, amount FROM orders")
cohort_sql = """
    WITH o AS (SELECT customer_id, date_trunc('month', date) AS month, amount FROM orders),
         f AS (SELECT customer_id, min(month) AS cohort FROM o GROUP BY customer_id)
    SELECT f.cohort, datediff('month', f.cohort, o.month) AS period,
           count(DISTINCT o.customer_id) AS active, sum(o.amount) AS revenue
    FROM o JOIN f USING (customer_id) GROUP BY 1, 2 ORDER BY 1, 2
"""
duck = timed("cohort_duckdb", lambda: connection.execute(cohort_sql).fetchall())

bgf = BetaGeoFitter()
timed("bgnbd_fit", lambda: bgf.fit(table["frequency"], table["recency"], table["T"]))
repeat = table[(table["frequency"] > 0) & (table["monetary_value"] > 0)]
ggf = GammaGammaFitter()
timed("gamma_gamma_fit", lambda: ggf.fit(repeat["frequency"], repeat["monetary_value"]))


def forecast():
    alive = bgf.conditional_probability_alive(table["frequency"], table["recency"], table["T"])
    purchases = bgf.conditional_expected_number_of_purchases_up_to_time(90, table["frequency"], table["recency"], table["T"])
    value = ggf.customer_lifetime_value(
        bgf, table["frequency"], table["recency"], table["T"], table["monetary_value"], time=12, discount_rate=0.01, freq="D")
    return alive, purchases, value


alive, purchases, value = timed("forecast", forecast)

# Agreement.
def same3(a, b):
    """Equal to three significant figures."""
    return f"{a:.3g}" == f"{b:.3g}" or abs(a - b) <= 5e-4 * max(abs(a), abs(b))


checks = []
for name in ["r", "alpha", "a", "b"]:
    ours, theirs = swift["bgnbd"][name], float(bgf.params_[name])
    checks.append((f"BG/NBD {name}", ours, theirs, same3(ours, theirs)))
for name in ["p", "q", "v"]:
    ours, theirs = swift["gamma_gamma"][name], float(ggf.params_[name])
    checks.append((f"Gamma-Gamma {name}", ours, theirs, same3(ours, theirs)))
checks.append(("summary: customers", swift["summary"]["customers"], len(table), swift["summary"]["customers"] == len(table)))
checks.append(("summary: Σ frequency", swift["summary"]["frequency_sum"], int(table["frequency"].sum()),
               swift["summary"]["frequency_sum"] == int(table["frequency"].sum())))
checks.append(("summary: Σ monetary", swift["summary"]["monetary_sum"], float(table["monetary_value"].sum()),
               math.isclose(swift["summary"]["monetary_sum"], float(table["monetary_value"].sum()), rel_tol=1e-9)))
checks.append(("cohort: Σ active (pandas)", swift["cohort"]["active_sum"], int(active.values.sum()), swift["cohort"]["active_sum"] == int(active.values.sum())))
checks.append(("cohort: Σ active (DuckDB)", swift["cohort"]["active_sum"], sum(row[2] for row in duck), swift["cohort"]["active_sum"] == sum(row[2] for row in duck)))
checks.append(("cohort: Σ revenue", swift["cohort"]["revenue_sum"] / 100, float(revenue.values.sum()),
               math.isclose(swift["cohort"]["revenue_sum"] / 100, float(revenue.values.sum()), rel_tol=1e-9)))
for key, column in [("r_sum", "r"), ("f_sum", "f"), ("m_sum", "m")]:
    checks.append((f"RFM: Σ {column} score", swift["rfm"][key], int(rfm[column].sum()), swift["rfm"][key] == int(rfm[column].sum())))
for key, series in [("alive_sum", alive), ("purchases_sum", purchases), ("value_sum", value)]:
    ours, theirs = swift["forecast"][key], float(np.sum(series))
    checks.append((f"forecast: Σ {key[:-4]}", ours, theirs, math.isclose(ours, theirs, rel_tol=2e-3)))

print()
print("| step | RetentionMetrics | reference | reference ÷ ours |")
print("|---|---:|---:|---:|")
ours = swift["seconds"]
rows = [
    ("summary (pandas; ours includes grouping the raw log)", ours["history"] + ours["summary"], seconds["summary"]),
    ("cohort matrix (pandas)", ours["cohort"], seconds["cohort_pandas"]),
    ("cohort matrix (DuckDB SQL)", ours["cohort"], seconds["cohort_duckdb"]),
    ("RFM (pandas)", ours["rfm"], seconds["rfm"]),
    ("BG/NBD fit (lifetimes)", ours["bgnbd_fit"], seconds["bgnbd_fit"]),
    ("Gamma-Gamma fit (lifetimes)", ours["gamma_gamma_fit"], seconds["gamma_gamma_fit"]),
    ("P(alive), purchases, CLV (lifetimes)", ours["forecast"], seconds["forecast"]),
]
for name, a, b in rows:
    print(f"| {name} | {a:.3f} s | {b:.3f} s | {b / a:.1f}× |")
print(f"\npeak memory of RetentionMetrics: {swift['peak_bytes'] / 2**30:.2f} GiB")
print()
print("| check | RetentionMetrics | reference | agrees |")
print("|---|---:|---:|---|")
for name, a, b, ok in checks:
    print(f"| {name} | {a:.6g} | {b:.6g} | {'yes' if ok else 'NO'} |")
if not all(ok for *_, ok in checks):
    sys.exit(1)
