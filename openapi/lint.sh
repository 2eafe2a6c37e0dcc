#!/usr/bin/env bash
# Lints openapi/openapi.yaml with a pinned Redocly CLI, installed on first use into
# openapi/.tools (git-ignored) so that every machine and CI run the same version.
set -euo pipefail

REDOCLY_VERSION=2.77.0   # needs node >=20.19 <21 or >=22.12

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
tools="$here/.tools"
redocly="$tools/node_modules/.bin/redocly"

cd "$root"

installed=""
if [ -f "$tools/node_modules/@redocly/cli/package.json" ]; then
	installed="$(node -p "require('$tools/node_modules/@redocly/cli/package.json').version")"
fi
if [ ! -x "$redocly" ] || [ "$installed" != "$REDOCLY_VERSION" ]; then
	echo "lint.sh: installing @redocly/cli@$REDOCLY_VERSION into openapi/.tools" >&2
	mkdir -p "$tools"
	npm install --prefix openapi/.tools --no-audit --no-fund \
		"@redocly/cli@$REDOCLY_VERSION" >&2
fi

export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
exec "$redocly" lint --config openapi/redocly.yaml openapi/openapi.yaml "$@"
