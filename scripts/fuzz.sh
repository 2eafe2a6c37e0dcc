#!/usr/bin/env bash
# libFuzzer targets with ASan/UBSan for the pure input-handling code (tests/fuzz/).
#
#   scripts/fuzz.sh                 # every target, FUZZ_SECONDS each (default 60)
#   FUZZ_SECONDS=600 FUZZ_TARGETS="token_claims csv" scripts/fuzz.sh
#
# Environment:
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_TARGETS   space-separated subset (default: every tests/fuzz/fuzz_*.c whose
#                  service sources exist)
#   FUZZ_JOBS      targets run at once (default: the number of cores)
#   FUZZ_CACHE     cache directory (default .fuzz/ at the repository root, git-ignored)
#   FUZZ_ARGS      extra libFuzzer flags for every target
#   FUZZ_SHARED_JANSSON=1  link Debian's shared jansson instead of building it
#
# What it does:
#   1. installs clang and compiler-rt (libFuzzer, ASan, UBSan) from Debian if missing;
#   2. builds jansson statically with -fsanitize=fuzzer-no-link,address,undefined from
#      the Debian source package of the installed libjansson-dev (apt-get source with a
#      private deb-src list under the cache: /etc/apt is not touched), so the fuzzer sees
#      the parser's edges; if the source cannot be had it links the shared jansson and
#      says so (coverage inside jansson is then invisible);
#   3. compiles each target with -fsanitize=fuzzer,address,undefined -g -O1 (UBSan made
#      fatal) together with only the service files it needs;
#   4. replays tests/fuzz/crashes/<target>-* (saved findings: regression inputs);
#   5. fuzzes each target for FUZZ_SECONDS with its dictionary, on a working copy of
#      tests/fuzz/corpus/<target>/ kept in the cache (it grows from run to run);
#   6. prints executions and edges per target and a summary table; exits non-zero on
#      any crash, leak, timeout, out-of-memory or sanitizer report (the input is left in
#      $FUZZ_CACHE/artifacts/<target>/ and the log in $FUZZ_CACHE/logs/<target>.log).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${FUZZ_CACHE:-$ROOT/.fuzz}"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_JOBS="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
FUZZ_ARGS="${FUZZ_ARGS:-}"
FZ="$ROOT/tests/fuzz"
START=$(date +%s)

log() { printf 'fuzz.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[[ "$FUZZ_SECONDS" =~ ^[0-9]+$ ]] || die "FUZZ_SECONDS must be a number of seconds"
[[ "$FUZZ_JOBS" =~ ^[1-9][0-9]*$ ]] || die "FUZZ_JOBS must be a positive number"

# Service sources each target needs (relative to service/). A target whose sources are
# missing is skipped with a note (e.g. core/csv.c before it exists).
declare -A SOURCES=(
	[validate]="core/validate.c core/text.c core/address.c"
	[document]="core/document.c core/document_links.c core/validate.c core/text.c core/address.c"
	[cursor]="core/cursor.c core/hash.c"
	[token]="auth/token.c auth/token_cache.c core/config.c"
	[token_claims]="auth/token.c auth/token_cache.c core/config.c"
	[csv]="core/csv.c core/buf.c"
	[jsontext]="core/jsontext.c"
)

# ---------------------------------------------------------------- 1. the toolchain
apt_updated=0
apt_install() {
	if [[ "$(id -u)" -ne 0 ]]; then
		die "missing Debian packages: $*; install them with:" \
			"sudo apt-get install -y --no-install-recommends $*"
	fi
	if [[ $apt_updated -eq 0 ]]; then
		apt-get update -qq
		apt_updated=1
	fi
	log "installing Debian packages: $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

need=()
for p in clang libclang-rt-dev pkg-config libjansson-dev libjwt-dev libsodium-dev; do
	status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)"
	[[ "$status" == ii* ]] || need+=("$p")
done
[[ ${#need[@]} -eq 0 ]] || apt_install "${need[@]}"

CC="${FUZZ_CC:-clang}"
command -v "$CC" >/dev/null || die "$CC not found after installing clang"
mkdir -p "$CACHE"/{bin,logs,artifacts,corpus,src}
probe="$CACHE/src/probe"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return d && n; }\n' \
	> "$probe.c"
"$CC" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" 2>/dev/null ||
	die "$CC cannot link -fsanitize=fuzzer,address,undefined (is libclang-rt-dev installed?)"

# UBSan is made fatal so that libFuzzer records the input of any report.
SAN_COMMON="-fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
SAN_LIB="-fsanitize=fuzzer-no-link,address,undefined $SAN_COMMON"
SAN_BIN="-fsanitize=fuzzer,address,undefined $SAN_COMMON"

# ---------------------------------------------------------------- 2. jansson
JANSSON_NOTE=""
JANSSON_CFLAGS=""
JANSSON_LIBS=""
jver="$(dpkg-query -W -f='${source:Version}' libjansson-dev 2>/dev/null || true)"
jprefix="$CACHE/jansson-$jver"

# Writes deb-src twins of the system's deb sources into $CACHE/apt (private lists).
private_apt() {
	local d="$CACHE/apt" f
	rm -rf "$d/sources.list.d"
	mkdir -p "$d/sources.list.d" "$d/lists/partial" "$d/cache/archives/partial"
	: > "$d/sources.list"
	if [[ -f /etc/apt/sources.list ]]; then
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list > "$d/sources.list"
	fi
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -f "$f" ]] || continue
		sed 's/^Types:.*/Types: deb-src/' "$f" > "$d/sources.list.d/$(basename "$f")"
	done
	for f in /etc/apt/sources.list.d/*.list; do
		[[ -f "$f" ]] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" > "$d/sources.list.d/$(basename "$f")"
	done
	APT_OPTS=(-o "Dir::Etc::SourceList=$d/sources.list" -o "Dir::Etc::SourceParts=$d/sources.list.d"
	          -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
	          -o "APT::Sandbox::User=root")
}

build_jansson() {
	local src="$CACHE/src/jansson-$jver" bld="$CACHE/src/jansson-build-$jver" dl="$CACHE/src/dl"
	[[ -n "$jver" ]] || return 1
	if [[ ! -f "$src/CMakeLists.txt" ]]; then
		command -v dpkg-source >/dev/null || apt_install dpkg-dev || return 1
		private_apt
		log "fetching the source of jansson $jver (apt-get source, private deb-src list)"
		apt-get "${APT_OPTS[@]}" -qq update >/dev/null 2>&1 || return 1
		rm -rf "$dl" && mkdir -p "$dl"
		(cd "$dl" && apt-get "${APT_OPTS[@]}" -qq source --download-only "jansson=$jver") \
			>/dev/null 2>&1 || return 1
		rm -rf "$src"
		(cd "$dl" && dpkg-source -q --no-check -x ./*.dsc "$src") >/dev/null 2>&1 || return 1
	fi
	command -v cmake >/dev/null || apt_install cmake || return 1
	log "building jansson $jver with $SAN_LIB"
	rm -rf "$bld" "$jprefix"
	cmake -S "$src" -B "$bld" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=None \
		-DCMAKE_C_FLAGS="$SAN_LIB" -DCMAKE_INSTALL_PREFIX="$jprefix" -DCMAKE_INSTALL_LIBDIR=lib \
		-DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_BUILD_DOCS=OFF -DJANSSON_EXAMPLES=OFF \
		-DJANSSON_WITHOUT_TESTS=ON >"$CACHE/logs/jansson-build.log" 2>&1 &&
	cmake --build "$bld" -j "$(nproc)" >>"$CACHE/logs/jansson-build.log" 2>&1 &&
	cmake --install "$bld" >>"$CACHE/logs/jansson-build.log" 2>&1 || return 1
	[[ -f "$jprefix/lib/libjansson.a" ]]
}

if [[ "${FUZZ_SHARED_JANSSON:-0}" == 1 ]]; then
	log "FUZZ_SHARED_JANSSON=1: linking Debian's shared jansson"
	jbuilt=0
elif [[ -n "$jver" && -f "$jprefix/lib/libjansson.a" && -f "$jprefix/include/jansson.h" ]] ||
	build_jansson; then
	jbuilt=1
else
	log "WARNING: could not build jansson from source (see $CACHE/logs/jansson-build.log);"
	log "WARNING: linking Debian's shared jansson: the fuzzer cannot see inside the parser"
	jbuilt=0
fi
if [[ $jbuilt -eq 1 ]]; then
	JANSSON_CFLAGS="-I$jprefix/include"
	# Whole archive, exported: libjwt (linked to the shared jansson) must bind every json_*
	# call to this copy, or objects made by one copy reach the other (a crash in do_dump).
	JANSSON_LIBS="-Wl,--whole-archive $jprefix/lib/libjansson.a -Wl,--no-whole-archive -rdynamic"
	JANSSON_NOTE="static jansson $jver (instrumented)"
else
	JANSSON_CFLAGS="$(pkg-config --cflags jansson)"
	JANSSON_LIBS="$(pkg-config --libs jansson)"
	JANSSON_NOTE="shared jansson (not instrumented)"
fi
# libjwt is Debian's (uninstrumented); it links the shared jansson, but the jansson
# functions it calls bind to the static copy exported by the fuzz binary (checked below).
OTHER_LIBS="$(pkg-config --libs libjwt libsodium) -lpthread -lm"

# ---------------------------------------------------------------- 3. build the targets
targets=()
skipped=()
if [[ -n "${FUZZ_TARGETS:-}" ]]; then
	read -r -a wanted <<<"$FUZZ_TARGETS"
else
	wanted=()
	for f in "$FZ"/fuzz_*.c; do
		n="$(basename "$f" .c)"
		wanted+=("${n#fuzz_}")
	done
fi
for t in "${wanted[@]}"; do
	[[ -f "$FZ/fuzz_$t.c" && -n "${SOURCES[$t]:-}" ]] || die "unknown target: $t"
	ok=1
	for s in ${SOURCES[$t]}; do
		[[ -f "$ROOT/service/$s" ]] || ok=0
	done
	if [[ $ok -eq 1 ]]; then targets+=("$t"); else skipped+=("$t"); fi
done
for t in "${skipped[@]}"; do
	log "skipping $t: service sources missing (${SOURCES[$t]})"
done

declare -A RESULT EXECS EPS EDGES FT CORPUS NEW CRASHES NOTE
failed=0
for t in "${targets[@]}"; do
	srcs=()
	for s in ${SOURCES[$t]}; do srcs+=("$ROOT/service/$s"); done
	log "building fuzz_$t"
	# shellcheck disable=SC2086
	if ! "$CC" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter $SAN_BIN \
		-I"$ROOT/service" $JANSSON_CFLAGS -o "$CACHE/bin/fuzz_$t" "$FZ/fuzz_$t.c" "${srcs[@]}" \
		$JANSSON_LIBS $OTHER_LIBS >"$CACHE/logs/$t.build.log" 2>&1; then
		cat "$CACHE/logs/$t.build.log" >&2
		RESULT[$t]="BUILD-FAILED"
		failed=1
	elif [[ "$JANSSON_NOTE" == static* && "${SOURCES[$t]}" == *auth/token.c* ]] &&
		grep -q 'binding file [^ ]*libjwt[^ ]* \[0\] to [^ ]*libjansson' \
			<<<"$(LD_BIND_NOW=1 LD_DEBUG=bindings "$CACHE/bin/fuzz_$t" -runs=0 2>&1 || true)"; then
		# two jansson copies in one process would exchange objects: refuse to run
		log "fuzz_$t: libjwt binds json_* to the shared jansson, not the static one"
		RESULT[$t]="BUILD-FAILED"
		failed=1
	fi
done

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0:\
strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Report lines a sanitizer or libFuzzer prints when something went wrong.
BAD_RE='runtime error:|ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)'
BAD_RE+='|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer|ALARM: working on the last Unit'
BAD_RE+='|==[0-9]+== ERROR|invariant broken'

# ---------------------------------------------------------------- 4. replay saved findings
# Each saved input runs on its own (libFuzzer stops at the first failing one). A failing
# one fails the run, but the target is fuzzed all the same.
declare -A SAVED SAVED_BAD
for t in "${targets[@]}"; do
	[[ -z "${RESULT[$t]:-}" ]] || continue
	shopt -s nullglob
	saved=("$FZ/crashes/$t"-*)
	shopt -u nullglob
	SAVED[$t]=${#saved[@]}
	SAVED_BAD[$t]=0
	[[ ${#saved[@]} -gt 0 ]] || continue
	log "replaying ${#saved[@]} saved input(s) for $t"
	: >"$CACHE/logs/$t.replay.log"
	for f in "${saved[@]}"; do
		out="$("$CACHE/bin/fuzz_$t" -timeout=10 -rss_limit_mb=2048 "$f" 2>&1)" && rc=0 || rc=$?
		printf '%s\n' "$out" >>"$CACHE/logs/$t.replay.log"
		if [[ $rc -ne 0 ]] || grep -aEq "$BAD_RE" <<<"$out"; then
			SAVED_BAD[$t]=$((SAVED_BAD[$t] + 1))
			why="$(grep -a -E -m1 "$BAD_RE" <<<"$out" | cut -c1-160 || true)"
			log "  still failing: ${f#"$ROOT"/}: $why"
		fi
	done
	if [[ ${SAVED_BAD[$t]} -gt 0 ]]; then
		NOTE[$t]="${SAVED_BAD[$t]} of ${SAVED[$t]} saved input(s) in tests/fuzz/crashes/ still fail"
		NOTE[$t]+=" (log: $CACHE/logs/$t.replay.log)"
		failed=1
	fi
done

# ---------------------------------------------------------------- 5. fuzz
run_one() {
	local t="$1" corpus="$CACHE/corpus/$1" art="$CACHE/artifacts/$1/" dict=() rc=0
	mkdir -p "$corpus" "$art"
	if [[ -d "$FZ/corpus/$t" ]]; then cp -n "$FZ/corpus/$t"/* "$corpus"/ 2>/dev/null || true; fi
	[[ -f "$FZ/dict/$t.dict" ]] && dict=(-dict="$FZ/dict/$t.dict")
	# shellcheck disable=SC2086
	"$CACHE/bin/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art" "${dict[@]}" \
		$FUZZ_ARGS "$corpus" >"$CACHE/logs/$t.log" 2>&1 || rc=$?
	echo "${rc:-0}" >"$CACHE/logs/$t.rc"
}

running=0
for t in "${targets[@]}"; do
	[[ -z "${RESULT[$t]:-}" ]] || continue
	rm -f "$CACHE/logs/$t.rc"
	find "$CACHE/artifacts/$t" -type f -delete 2>/dev/null || true
	log "fuzzing $t for ${FUZZ_SECONDS}s"
	run_one "$t" &
	running=$((running + 1))
	if [[ $running -ge $FUZZ_JOBS ]]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait || true

# ---------------------------------------------------------------- 6. results
# The last value libFuzzer printed for a final stat, or a progress field (never fails).
fstat() { sed -n "s/^stat::$2: *//p" "$1" | tail -n 1 || true; }
fprog() { grep -o "$2: [0-9]*[/0-9a-zA-Z]*" "$1" | tail -n 1 | cut -d' ' -f2 || true; }
for t in "${targets[@]}"; do
	[[ -z "${RESULT[$t]:-}" ]] || continue
	lf="$CACHE/logs/$t.log"
	rc="$(cat "$CACHE/logs/$t.rc" 2>/dev/null || echo '?')"
	EXECS[$t]="$(fstat "$lf" number_of_executed_units)"
	EPS[$t]="$(fstat "$lf" average_exec_per_sec)"
	NEW[$t]="$(fstat "$lf" new_units_added)"
	EDGES[$t]="$(fprog "$lf" cov)"
	FT[$t]="$(fprog "$lf" ft)"
	CORPUS[$t]="$(fprog "$lf" corp)"
	shopt -s nullglob
	arts=("$CACHE/artifacts/$t"/*)
	shopt -u nullglob
	CRASHES[$t]=${#arts[@]}
	if [[ "$rc" != 0 ]] || [[ ${#arts[@]} -gt 0 ]] || grep -aEq "$BAD_RE" "$lf"; then
		RESULT[$t]="FAILED"
		failed=1
		[[ ${CRASHES[$t]} -gt 0 ]] || CRASHES[$t]=1
		NOTE[$t]="${NOTE[$t]:+${NOTE[$t]}; }fuzzing: exit $rc; log $lf"
		[[ ${#arts[@]} -eq 0 ]] || NOTE[$t]+="; input ${arts[*]}"
		{
			echo "---- $t: exit $rc"
			grep -a -E -A40 "$BAD_RE" "$lf" | head -60 || true
			for a in "${arts[@]}"; do
				echo "input: $a ($(wc -c <"$a") bytes)"
				echo "reproduce: $CACHE/bin/fuzz_$t $a"
			done
		} >&2
	elif [[ ${SAVED_BAD[$t]:-0} -gt 0 ]]; then
		RESULT[$t]="SAVED-FAIL"
	else
		RESULT[$t]="ok"
	fi
	printf 'fuzz.sh: %-13s %-10s executions %-9s (%s/s)  edges %-5s features %-6s corpus %s (+%s)\n' \
		"$t" "${RESULT[$t]}" "${EXECS[$t]:-?}" "${EPS[$t]:-?}" "${EDGES[$t]:-?}" "${FT[$t]:-?}" \
		"${CORPUS[$t]:-?}" "${NEW[$t]:-?}" >&2
done

END=$(date +%s)
echo
echo "Fuzzing summary (${FUZZ_SECONDS}s per target, $FUZZ_JOBS at once; $JANSSON_NOTE)"
fmt='%-13s %-12s %11s %8s %6s %9s %12s %8s %11s\n'
# shellcheck disable=SC2059
printf "$fmt" target result executions exec/s edges features corpus crashes saved-fail
# shellcheck disable=SC2059
printf "$fmt" ------------- ------------ ----------- -------- ------ --------- ------------ \
	-------- -----------
for t in "${targets[@]}"; do
	# shellcheck disable=SC2059
	printf "$fmt" "$t" "${RESULT[$t]}" "${EXECS[$t]:--}" "${EPS[$t]:--}" "${EDGES[$t]:--}" \
		"${FT[$t]:--}" "${CORPUS[$t]:--}" "${CRASHES[$t]:--}" "${SAVED_BAD[$t]:-0}/${SAVED[$t]:-0}"
done
for t in "${skipped[@]}"; do
	printf '%-13s %-12s\n' "$t" "skipped"
done
for t in "${targets[@]}"; do
	[[ -z "${NOTE[$t]:-}" ]] || echo "  $t: ${NOTE[$t]}"
done
echo "wall time: $((END - START))s"
if [[ $failed -ne 0 ]]; then
	echo "fuzz: FAILED (see above; saved inputs go to tests/fuzz/crashes/<target>-<name>)"
	exit 1
fi
echo "fuzz: all targets passed"
