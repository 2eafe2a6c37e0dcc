# shellcheck shell=bash
# Shell functions that the scripts and the test runners share. Sourced, never run:
#   source "$ROOT/scripts/lib.sh"

# die MESSAGE: MESSAGE on stderr after the script's name, and exit 1.
die() {
  echo "${0##*/}: $*" >&2
  exit 1
}

# as_pg COMMAND...: PostgreSQL and PgBouncer refuse to run as root, so as root COMMAND runs
# as the "postgres" user. cd / first: postgres may not be able to enter the caller's
# working directory (e.g. under /root), which makes initdb complain.
as_pg() {
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# make_traversable PATH: every ancestor of PATH traversable (o+x) for the postgres user;
# mktemp -d makes 0700 directories, which would hide PATH from it.
make_traversable() {
  local d
  d="$(dirname "$1")"
  if (cd / && runuser -u postgres -- test -x "$d") 2>/dev/null; then
    return 0
  fi
  while [[ "$d" != "/" ]]; do
    chmod o+x "$d"
    d="$(dirname "$d")"
  done
}

# on_exit FUNCTION: on any exit of the script, INT (130) and TERM (143) included, FUNCTION
# runs once with the exit status as $1; then the folder $TMP is removed and the script
# exits with that status.
on_exit() {
  _on_exit_function="$1"
  trap '_on_exit_run $?' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

_on_exit_run() {
  local rc="$1"
  trap - EXIT INT TERM
  "$_on_exit_function" "$rc" || true
  rm -rf "$TMP"
  exit "$rc"
}
