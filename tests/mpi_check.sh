#!/bin/sh
# The MPI build against the single-machine build: the same command under mpirun with 1, 2 and
# 3 ranks (--oversubscribe: more ranks than cores is fine here) must write the same result
# folder, byte for byte, except the lines that name the run itself (run id, start, wall time,
# threads). A sweep at every rank count, then a run with batches and a plan at 3 ranks, then
# --precision runs (rounds until decided): a run, a sweep and a plan.
#   usage: sh tests/mpi_check.sh    (after make and make mpi)
set -eu
BUILD=${BUILD:-build}
ONE=$BUILD/pooltide
MPI=$BUILD/pooltide-mpi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [ "$(id -u)" = 0 ]; then
	# mpirun refuses root unless told (CI containers run as root)
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
fails=0

# The folder a run wrote under $1, without the lines that differ from run to run.
normalise() {
	dir=$(ls -d "$1"/*/*)
	for f in $(cd "$dir" && ls); do
		case $f in
		summary.json) grep -v '"run_id"\|"started_utc"\|"wall_time_s"\|"threads"' "$dir/$f" ;;
		report.md | report.html) grep -v 'wall time on' "$dir/$f" ;;
		*) cat "$dir/$f" ;;
		esac > "$1.$f"
		echo "$f"
	done
}

# check NAME RANKS ARGS...: the single-machine run of ARGS against mpirun -np RANKS.
check() {
	name=$1 ranks=$2
	shift 2
	ref=$TMP/$name-ref out=$TMP/$name-$ranks
	[ -d "$ref" ] || "$ONE" "$@" -q --no-plot -o "$ref" > "$ref.stdout"
	mpirun --oversubscribe -np "$ranks" "$MPI" "$@" -q --no-plot -o "$out" > "$out.stdout"
	files=$(normalise "$ref")
	normalise "$out" > /dev/null
	same=0 n=0
	for f in $files stdout; do
		n=$((n + 1))
		if cmp -s "$ref.$f" "$out.$f"; then
			same=$((same + 1))
		else
			echo "mpi: $name with $ranks ranks: $f differs from the single-machine run" >&2
			fails=$((fails + 1))
		fi
	done
	echo "mpi: $name, $ranks ranks: $same of $n files identical"
}

SWEEP="sweep scenarios/mmc-validation.json --horizon 60s --set warmup=5s
       --vary pools.main.size=26,28,30 --vary pools.main.timeout=10ms,50ms -r 6"
for ranks in 1 2 3; do
	# shellcheck disable=SC2086
	check sweep "$ranks" $SWEEP
done
check run 3 run scenarios/incident.json --horizon 20m --set warmup=2m -r 3
check plan 3 plan scenarios/mmc-validation.json --horizon 60s --set warmup=5s -r 6 \
	--set 'slo={"api.timeout_rate": 0.01}' --load api --tolerance 20
# --precision: rounds decided from the aggregates every rank holds after each round; a run
# (every variant the same count) and a sweep (only undecided points get more)
check precision-run 3 run scenarios/mmc-validation.json --horizon 60s --set warmup=5s -r 3 \
	--set 'slo={"api.timeout_rate": "2.1%"}' --precision 5%
check precision-sweep 2 sweep scenarios/mmc-validation.json --horizon 60s --set warmup=5s -r 3 \
	--set 'slo={"api.timeout_rate": "1.5%"}' --vary pools.main.size=29,30,31,32 --precision 5%
check precision-plan 3 plan scenarios/mmc-validation.json --horizon 60s --set warmup=5s -r 3 \
	--set 'slo={"api.timeout_rate": 0.01}' --load api --tolerance 20 --precision 5%
[ "$fails" = 0 ] || exit 1
echo "mpi: identical results with 1, 2 and 3 ranks"
