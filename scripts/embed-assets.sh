#!/usr/bin/env bash
# Writes an assembler file that compiles the spec, the seed plan, every migration and the
# portal's web files into the binary (see service/core/assets.h), so the program needs no
# data files at run time.
# Usage: embed-assets.sh OPENAPI_JSON SEED_JSON MIGRATION... [-- WEB_FILE...] > assets.S
# A MIGRATION in a folder named functions/ goes to asset_functions (named "functions/FILE"),
# any other to asset_migrations (named "FILE"); each list keeps the order of the arguments.
# A WEB_FILE goes to asset_web, named by its base name, with a strong ETag: the first 16 hex
# digits of its SHA-256, computed here so that serving it costs nothing.
set -euo pipefail
openapi=$1 seed=$2
shift 2
web=()
for ((k = 1; k <= $#; k++)); do
	if [[ "${!k}" == -- ]]; then
		web=("${@:k+1}")
		set -- "${@:1:k-1}"
		break
	fi
done
blob() { # label path: the bytes, then a NUL so the text can be used as a C string
	printf '\t.balign 16\n%s:\n\t.incbin "%s"\n%s_end:\n\t.byte 0\n' "$1" "$(realpath "$2")" "$1"
}
printf '\t.section .rodata\n'
printf '\t.global asset_openapi, asset_openapi_end, asset_seed, asset_seed_end\n'
blob asset_openapi "$openapi"
blob asset_seed "$seed"
migrations=() functions=()
i=0
for m in "$@"; do
	name=$(basename "$m")
	if [[ "$(basename "$(dirname "$m")")" == functions ]]; then
		name="functions/$name"
		functions+=("$i")
	else
		migrations+=("$i")
	fi
	blob "mig_$i" "$m"
	printf 'mig_name_%d:\n\t.asciz "%s"\n' "$i" "$name"
	i=$((i + 1))
done
table() { # symbol index...: struct asset_migration { const char *name, *sql, *end; } [], then a NULL row
	local sym=$1 j
	shift
	printf '\t.global %s\n%s:\n' "$sym" "$sym"
	for j in "$@"; do
		printf '\t.quad mig_name_%d, mig_%d, mig_%d_end\n' "$j" "$j" "$j"
	done
	printf '\t.quad 0, 0, 0\n'
}
w=0
for f in "${web[@]}"; do
	blob "web_$w" "$f"
	printf 'web_name_%d:\n\t.asciz "%s"\n' "$w" "$(basename "$f")"
	printf 'web_etag_%d:\n\t.asciz "%s"\n' "$w" "$(sha256sum "$f" | cut -c1-16)"
	w=$((w + 1))
done
printf '\t.section .data.rel.ro\n\t.balign 8\n'
table asset_migrations "${migrations[@]}"
table asset_functions "${functions[@]}"
# struct asset_file { const char *name, *data, *end, *etag; } [], then a NULL row
printf '\t.global asset_web\nasset_web:\n'
for ((j = 0; j < w; j++)); do
	printf '\t.quad web_name_%d, web_%d, web_%d_end, web_etag_%d\n' "$j" "$j" "$j" "$j"
done
printf '\t.quad 0, 0, 0, 0\n'
printf '\t.section .note.GNU-stack,"",@progbits\n'
