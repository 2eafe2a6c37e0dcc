#!/usr/bin/env bash
# Ensures the Debian packages needed to build, run and test Rendición are
# installed (chromium for the browser test), and the pinned npm packages: the contract
# test's validators, Swagger UI for /docs (web/vendor) and the browser test's
# playwright-core and axe-core (tests/browser). Silent when nothing is
# missing; installs as root; otherwise prints the exact command to run and fails.
set -euo pipefail

pkgs=(
  build-essential pkg-config
  libulfius-dev libmicrohttpd-dev libjansson-dev libjwt-dev libpq-dev
  libcmocka-dev libsodium-dev libxlsxwriter-dev libcairo2-dev libpango1.0-dev
  libcurl4-gnutls-dev python3-aiosmtpd
  fonts-dejavu-core
  postgresql-15 postgresql-client-15
  python3 python3-yaml python3-openpyxl poppler-utils curl jq openssl ca-certificates
  chromium
  pgbouncer haproxy
)

# The integration tests need Node >= 18 (node:test, global fetch). Machines of
# this project may already carry a newer Node outside Debian's packages (e.g.
# a vendor build with its own npm); installing Debian's nodejs/npm over it
# would downgrade or conflict, so only ask for them when no usable node exists.
node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' \
      >/dev/null 2>&1
}
if ! node_ok; then
  pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  # "ii" = wanted install, currently installed; anything else needs (re)install.
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)"
  if [[ "$status" != ii* ]]; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "deps.sh: missing Debian packages: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "deps.sh: installing missing Debian packages: ${missing[*]}" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The contract test's validators, at the versions its lock file pins (into tests/contract/.tools).
node "$(dirname "$0")/../tests/contract/check.mjs" --install-only

# npm ci in DIR from its package-lock.json, unless that exact lock file is installed already.
npm_pinned() {
  local dir=$1 stamp=$1/node_modules/.installed-lock.json
  if [[ -f "$stamp" ]] && cmp -s "$dir/package-lock.json" "$stamp"; then
    return 0
  fi
  echo "deps.sh: installing the pinned npm packages of $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts >&2)
  cp "$dir/package-lock.json" "$stamp"
}
root="$(cd "$(dirname "$0")/.." && pwd -P)"
npm_pinned "$root/web/vendor"
npm_pinned "$root/tests/browser"
npm_pinned "$root/deploy/kubernetes/check"
