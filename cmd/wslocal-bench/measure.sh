#!/usr/bin/env bash
# Measures what docs/performance.md reports, on this machine, with the load
# generator on the same box. Every comparison alternates its two endpoints
# in one-second windows (so that other load on the machine hits both alike),
# runs RUNS times, and the medians are printed at the end.
#
#   cmd/wslocal-bench/measure.sh                 # everything; ~30 minutes
#   RUNS=3 D=5s ONLY=sqlite cmd/wslocal-bench/measure.sh   # or ONLY=postgres
#
# Needs: Go, python3 with moto and boto3, PostgreSQL at $WSLOCAL_TEST_POSTGRES
# (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable; skipped
# with ONLY=sqlite; ONLY=postgres skips the SQLite figures), and pgbench for
# PostgreSQL's own figure (skipped without it). Reuses a
# million-association store when given one:
# SQLITE_1M=/path/state.db, PG_1M_SCHEMA=schema (made with --populate-store).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-5}
D=${D:-10s}
ONLY=${ONLY:-all}
PG=${WSLOCAL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
W=$(mktemp -d /tmp/wslocal-measure.XXXXXX)
OUT=$W/results.jsonl
PIDS=()
declare -A PIDOF
SCHEMAS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for s in "${SCHEMAS[@]}"; do psql "$PG" -qc "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1 || true; done
	echo "work directory (logs, results.jsonl): $W"
}
trap cleanup EXIT

note() { echo "== $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"; }

go build -o "$W/wslocal" ./cmd/wslocal
go build -o "$W/bench" ./cmd/wslocal-bench
B="$W/bench"

# start NAME PORT ARGS...: a wslocal on 127.0.0.1:PORT, waits for health.
start() {
	local name=$1 port=$2
	shift 2
	"$W/wslocal" --addr "127.0.0.1:$port" "$@" >"$W/$name.log" 2>&1 &
	PIDS+=($!)
	PIDOF[$name]=$!
	for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/_wslocal/health" >/dev/null && return; sleep 0.05; done
	echo "$name did not start"; cat "$W/$name.log"; exit 1
}

# first_image URL: the id of the first image of the default account. The
# Authorization header is what wslocal's default auth mode (accept) reads:
# account and region, the signature unchecked.
first_image() {
	curl -sf "$1/" -H 'X-Amz-Target: WorkspacesService.DescribeWorkspaceImages' \
		-H 'Content-Type: application/x-amz-json-1.1' -d '{"MaxResults":1}' \
		-H 'Authorization: AWS4-HMAC-SHA256 Credential=000000000000/20260101/us-east-1/workspaces/aws4_request, SignedHeaders=host;x-amz-date, Signature=00' |
		jq -r '.Images[0].ImageId'
}

# stop NAME: ends a wslocal started by start, which lets go of its SQLite
# file (one process per file).
stop() {
	kill "${PIDOF[$1]}"
	wait "${PIDOF[$1]}" 2>/dev/null || true
}

# compare LABEL A B ARGS...: RUNS alternating runs, one JSON line each.
compare() {
	local label=$1 a=$2 b=$3
	shift 3
	note "$label"
	for i in $(seq "$RUNS"); do
		"$B" --url "$a" --compare "$b" --json "$@" 2>>"$W/bench.log" |
			jq -c --arg name "$label" '{"label": $name, a: .results[0], b: .results[1], ratio: .rpsRatioAtoB,
				load: .loadBefore, server: .serverMemory}' | tee -a "$OUT" |
			jq -r '"  run: A \(.a.rps|floor)/s p50 \(.a.p50Ms)ms p99 \(.a.p99Ms)ms | B \(.b.rps|floor)/s p50 \(.b.p50Ms)ms p99 \(.b.p99Ms)ms | A/B \(.ratio*100|floor)%"'
	done
}

# The bare net/http handler and moto's server.
"$B" --baseline 127.0.0.1:4700 2>"$W/baseline.log" &
PIDS+=($!)
python3 -m moto.server -p 4702 >"$W/moto.log" 2>&1 &
PIDS+=($!)
sleep 2
python3 cmd/wslocal-bench/seed_moto.py http://127.0.0.1:4702 5

# million LABEL NAME PORT URL_1K STORE_1M: the 1,000-association server at
# URL_1K against one on the million-association STORE_1M, then start-up on
# that store (its server stopped first: one process per SQLite file).
OFFICE2019='{"ApplicationId":"wsa-1n9fw6pwz","AssociatedResourceTypes":["IMAGE","BUNDLE","WORKSPACE"]}'
million() {
	local label=$1 name=$2 port=$3 small=$4 big=$5
	start "$name" "$port" --store "$big"
	compare "$label DescribeImageAssociations c=1, 1,000 vs 1,000,000" "$small" "http://127.0.0.1:$port" \
		--op DescribeImageAssociations --c 1 --d 5s
	compare "$label DescribeApplicationAssociations page c=1, 1,000 vs 1,000,000" "$small" "http://127.0.0.1:$port" \
		--op DescribeApplicationAssociations --body "$OFFICE2019" --c 1 --d 5s
	local img
	img=$(first_image "http://127.0.0.1:$port")
	stop "$name"
	note "start-up on the million-association $label store"
	WSLOCAL_MEASURE=1 WSLOCAL_COLDSTART_STORE="$big" WSLOCAL_COLDSTART_OP=DescribeImageAssociations \
		WSLOCAL_COLDSTART_BODY="{\"ImageId\":\"$img\",\"AssociatedResourceTypes\":[\"APPLICATION\"]}" \
		go test -count=1 -run TestColdStart -v ./conformance/clients/ | grep "cold start" | tee -a "$W/coldstart.txt"
}

if [ "$ONLY" != postgres ]; then
	# SQLite, 1,000 associations (5 images, 5 bundles, 198 WorkSpaces).
	start sqlite-1k 4701 --store "sqlite:$W/1k.db"
	"$B" --url http://127.0.0.1:4701 --populate 1000
	SQLITE=http://127.0.0.1:4701
	compare "SQLite DescribeImageAssociations c=8 vs bare net/http" $SQLITE http://127.0.0.1:4700 \
		--op DescribeImageAssociations --c 8 --d "$D"
	compare "SQLite DescribeWorkspaceImages c=8 vs moto" $SQLITE http://127.0.0.1:4702 \
		--op DescribeWorkspaceImages --c 8 --d "$D"
	# Writes: CreateTags of one tag again and again, and an application
	# associated with and disassociated from a WorkSpace of each connection in
	# turn (half the requests are DisassociateWorkspaceApplication).
	compare "SQLite CreateTags c=8 vs bare net/http" $SQLITE http://127.0.0.1:4700 \
		--op CreateTags --c 8 --d "$D"
	compare "SQLite AssociateWorkspaceApplication c=8 vs bare net/http" $SQLITE http://127.0.0.1:4700 \
		--op AssociateWorkspaceApplication --c 8 --d "$D"

	# Resident memory after 10 s of load, on a process started for it (and a
	# store of its own: a SQLite file has one process at a time).
	start sqlite-rss 4705 --store "sqlite:$W/rss.db"
	"$B" --url http://127.0.0.1:4705 --populate 1000 >/dev/null
	note "resident memory after 10s of DescribeImageAssociations at 8 connections"
	for i in $(seq "$RUNS"); do
		"$B" --url http://127.0.0.1:4705 --op DescribeImageAssociations --c 8 --d 10s --pid "${PIDOF[sqlite-rss]}" --json 2>>"$W/bench.log" |
			jq -c '{"label": "rss", rss: .serverMemory, rps: .results[0].rps}' | tee -a "$OUT"
	done

	note "cold start, exec to the first answer (TestColdStart, median of 5)"
	WSLOCAL_MEASURE=1 go test -count=1 -run TestColdStart -v ./conformance/clients/ | grep "cold start" | tee -a "$W/coldstart.txt"


	# A million associations, same layout.
	if [ -z "${SQLITE_1M:-}" ]; then
		SQLITE_1M=$W/1m.db
		note "populating $SQLITE_1M with a million associations"
		"$B" --populate-store "sqlite:$SQLITE_1M" --populate 1000000 | tail -1
	fi
	million SQLite sqlite-1m 4703 "$SQLITE" "sqlite:$SQLITE_1M"
fi

if [ "$ONLY" != sqlite ]; then
	S1K=wslocal_measure_1k_$$
	SCHEMAS+=("$S1K")
	start pg-1k 4711 --store "$PG&search_path=$S1K"
	"$B" --url http://127.0.0.1:4711 --populate 1000
	PGURL=http://127.0.0.1:4711
	compare "PostgreSQL DescribeImageAssociations c=8 vs bare net/http" $PGURL http://127.0.0.1:4700 \
		--op DescribeImageAssociations --c 8 --d "$D"
	compare "PostgreSQL DescribeWorkspaceImages c=8 vs moto" $PGURL http://127.0.0.1:4702 \
		--op DescribeWorkspaceImages --c 8 --d "$D"
	if [ -z "${PG_1M_SCHEMA:-}" ]; then
		PG_1M_SCHEMA=wslocal_measure_1m_$$
		SCHEMAS+=("$PG_1M_SCHEMA")
		note "populating PostgreSQL schema $PG_1M_SCHEMA with a million associations"
		"$B" --populate-store "$PG&search_path=$PG_1M_SCHEMA" --populate 1000000 | tail -1
	fi
	million PostgreSQL pg-1m 4713 "$PGURL" "$PG&search_path=$PG_1M_SCHEMA"

	# Writes on PostgreSQL per partition: CreateTags at 8 connections on a
	# fresh schema served by two replicas. One account is one partition;
	# eight accounts are eight. WRITES_BEFORE=/path/to/an/older/wslocal
	# compares the same loads with it, on a schema of its own.
	SW=wslocal_measure_writes_$$
	SCHEMAS+=("$SW")
	start pg-w1 4721 --store "$PG&search_path=$SW"
	start pg-w2 4722 --store "$PG&search_path=$SW"
	W1=http://127.0.0.1:4721 W2=http://127.0.0.1:4722
	compare "PostgreSQL CreateTags c=8, 8 accounts: 2 replicas vs 1" "$W1,$W2" "$W1" \
		--op CreateTags --c 8 --d "$D" --account 111111111111 --accounts 8
	compare "PostgreSQL CreateTags c=8, 1 account: 2 replicas vs 1" "$W1,$W2" "$W1" \
		--op CreateTags --c 8 --d "$D" --account 111111111111
	# The same writes against the bare handler: what they are worth on this
	# machine, whose loopback and cores set the requests a second.
	compare "PostgreSQL CreateTags c=8, 8 accounts on 2 replicas vs bare net/http" "$W1,$W2" http://127.0.0.1:4700 \
		--op CreateTags --c 8 --d "$D" --account 111111111111 --accounts 8
	# What the machine allows a write on PostgreSQL, without wslocal's HTTP
	# path: the same writes by the service in a test binary (BenchmarkWrite),
	# and PostgreSQL alone with the least durable write there is, one row's
	# UPDATE committed, by 8 pgbench clients over 8 rows.
	note "PostgreSQL CreateTags by the service without HTTP, 8 writers over 8 accounts (BenchmarkWrite)"
	WSLOCAL_BENCH_STORE=postgres go test ./workspaces/ -run XXX -bench 'BenchmarkWrite/op=CreateTags/accounts=8' \
		-benchtime "$D" -count "$RUNS" | grep '^Benchmark' | tee -a "$W/ceiling.txt"
	SC=wslocal_measure_ceiling_$$
	SCHEMAS+=("$SC")
	if command -v pgbench >/dev/null && psql "$PG" -qc "CREATE SCHEMA $SC; CREATE TABLE $SC.c (n int PRIMARY KEY, v bigint);
		INSERT INTO $SC.c SELECT g, 0 FROM generate_series(1, 8) g"; then
		printf '\\set n random(1, 8)\nUPDATE c SET v = v + 1 WHERE n = :n;\n' >"$W/ceiling.sql"
		note "PostgreSQL alone: one row's UPDATE committed, pgbench -c 8 over 8 rows"
		for _ in $(seq "$RUNS"); do
			PGOPTIONS="-c search_path=$SC" pgbench -n -M prepared -c 8 -j 2 -T "${D%s}" -f "$W/ceiling.sql" "$PG" 2>>"$W/bench.log" |
				grep '^tps' | sed 's/^/pgbench, least durable write: /' | tee -a "$W/ceiling.txt" || true
		done
	fi
	if [ -n "${WRITES_BEFORE:-}" ]; then
		SWB=wslocal_measure_writes_before_$$
		SCHEMAS+=("$SWB")
		"$WRITES_BEFORE" --addr 127.0.0.1:4723 --store "$PG&search_path=$SWB" >"$W/pg-wb1.log" 2>&1 &
		PIDS+=($!)
		"$WRITES_BEFORE" --addr 127.0.0.1:4724 --store "$PG&search_path=$SWB" >"$W/pg-wb2.log" 2>&1 &
		PIDS+=($!)
		for p in 4723 4724; do
			for _ in $(seq 200); do curl -sf "http://127.0.0.1:$p/_wslocal/health" >/dev/null && break; sleep 0.05; done
		done
		WB1=http://127.0.0.1:4723 WB2=http://127.0.0.1:4724
		compare "PostgreSQL CreateTags c=8, one account: before vs now" "$WB1" "$W1" \
			--op CreateTags --c 8 --d "$D" --account 111111111111
		compare "PostgreSQL CreateTags c=8, 8 accounts on 2 replicas: before vs now" "$WB1,$WB2" "$W1,$W2" \
			--op CreateTags --c 8 --d "$D" --account 111111111111 --accounts 8
	fi
fi

echo
echo "== medians of $RUNS runs"
python3 - "$OUT" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = statistics.median
labels = []
for r in rows:
    if r["label"] not in labels:
        labels.append(r["label"])
for label in labels:
    rs = [r for r in rows if r["label"] == label]
    if label == "rss":
        rss = [int(r["rss"].split("VmRSS: ")[1].split()[0]) for r in rs]
        print(f"resident memory after 10s of load: median {med(rss)/1024:.1f} MB (runs: {', '.join(f'{x/1024:.1f}' for x in rss)}); {med(r['rps'] for r in rs):.0f} req/s")
        continue
    a, b = [r["a"] for r in rs], [r["b"] for r in rs]
    print(f"{label}:")
    print(f"  A {med(x['rps'] for x in a):8.0f} req/s  p50 {med(x['p50Ms'] for x in a):.3f} ms  p99 {med(x['p99Ms'] for x in a):.3f} ms")
    print(f"  B {med(x['rps'] for x in b):8.0f} req/s  p50 {med(x['p50Ms'] for x in b):.3f} ms  p99 {med(x['p99Ms'] for x in b):.3f} ms")
    runs = ", ".join("%.3f" % r["ratio"] for r in rs)
    loads = ", ".join(r["load"].split()[0] for r in rs)
    p50 = med(x["p50Ms"] for x in b) / med(x["p50Ms"] for x in a)
    print(f"  A/B requests/s: median {med(r['ratio'] for r in rs):.3f} (runs: {runs}); B/A p50: {p50:.2f}; load averages {loads}")
EOF
cat "$W/coldstart.txt"
if [ -f "$W/ceiling.txt" ]; then cat "$W/ceiling.txt"; fi
