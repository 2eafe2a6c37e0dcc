#!/usr/bin/env bash
# Static analysis of the service: cppcheck, then clang-tidy 14 (checks in .clang-tidy), over
# service/**/*.c compiled with the Makefile's own CFLAGS. Exits non-zero on any finding.
#   scripts/lint.sh [FILE.c...]    default: every .c file under service/
# A false positive is suppressed inline where it occurs, with a comment saying why.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$ROOT"

CPPCHECK="${CPPCHECK:-cppcheck}"
CLANG_TIDY="${CLANG_TIDY:-clang-tidy-14}"
for t in "$CPPCHECK" "$CLANG_TIDY" python3; do
  command -v "$t" >/dev/null ||
    { echo "lint: $t not found (apt-get install cppcheck clang-tidy-14)" >&2; exit 2; }
done

if [[ $# -gt 0 ]]; then
  files=("$@")
else
  mapfile -t files < <(find service -name '*.c' | sort)
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/rendicion-lint.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# compile_commands.json from the Makefile's CFLAGS (read through make, so it never drifts):
# the same -std, -D and -I (pkg-config) flags the build uses.
cflags="$(make -s --no-print-directory -f Makefile -f - lint-cflags <<'MK'
lint-cflags: ; @echo $(CFLAGS)
MK
)"
python3 - "$ROOT" "$cflags" "${files[@]}" >"$TMP/compile_commands.json" <<'PY'
import json, shlex, sys
root, flags, files = sys.argv[1], shlex.split(sys.argv[2]), sys.argv[3:]
json.dump([{"directory": root, "file": f,
            "arguments": ["cc", *flags, "-c", "-o", "/dev/null", f]} for f in files],
          sys.stdout, indent=1)
PY

status=0
start=$SECONDS

# ---- cppcheck ----------------------------------------------------------------
echo "lint: $("$CPPCHECK" --version) on ${#files[@]} files" >&2
"$CPPCHECK" --project="$TMP/compile_commands.json" --std=c11 --library=posix --library=gnu \
  --enable=warning,performance,portability --inline-suppr --error-exitcode=1 --quiet \
  --template='{file}:{line}:{column}: {severity}: {message} [{id}]' || status=1
echo "lint: cppcheck done in $((SECONDS - start)) s" >&2

# ---- clang-tidy --------------------------------------------------------------
# One process per file, in parallel; each file's report is printed whole, in file order.
tidy_start=$SECONDS
echo "lint: $("$CLANG_TIDY" --version | sed -n 's/^ *\(.*LLVM version.*\)/\1/p') (clang-tidy)" >&2
export CLANG_TIDY TMP ROOT
# shellcheck disable=SC2016 # the inner script expands $1, $TMP... itself
printf '%s\0' "${files[@]}" | xargs -0 -P "$(nproc)" -I{} bash -c '
  out="$TMP/tidy.$(printf %s "$1" | tr / _).log"
  "$CLANG_TIDY" -p "$TMP" --config-file="$ROOT/.clang-tidy" --quiet --warnings-as-errors="*" "$1" >"$out" 2>&1 ||
    echo "$1" >>"$TMP/tidy.failed"
' _ {}
for f in "${files[@]}"; do
  log="$TMP/tidy.$(printf %s "$f" | tr / _).log"
  # Without findings clang-tidy prints only "N warnings generated." (system headers).
  if grep -qv -e '^[0-9]* warnings\? generated\.$' -e '^[0-9]* warnings\? and [0-9]* errors\? generated\.$' "$log"; then
    cat "$log"
  fi
done
if [[ -s "$TMP/tidy.failed" ]]; then
  echo "lint: clang-tidy failed on: $(sort "$TMP/tidy.failed" | tr '\n' ' ')" >&2
  status=1
fi
echo "lint: clang-tidy done in $((SECONDS - tidy_start)) s" >&2

if [[ "$status" -ne 0 ]]; then
  echo "lint: FAILED" >&2
else
  echo "lint: no findings" >&2
fi
exit "$status"
