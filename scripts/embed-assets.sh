#!/usr/bin/env bash
# Writes an assembler file that compiles the spec, the seed plan and every migration into the
# binary (see service/core/assets.h), so the program needs no data files at run time.
# Usage: embed-assets.sh OPENAPI_JSON SEED_JSON MIGRATION... > assets.S
set -euo pipefail
openapi=$1 seed=$2
shift 2
blob() { # label path: the bytes, then a NUL so the text can be used as a C string
	printf '\t.balign 16\n%s:\n\t.incbin "%s"\n%s_end:\n\t.byte 0\n' "$1" "$(realpath "$2")" "$1"
}
printf '\t.section .rodata\n'
printf '\t.global asset_openapi, asset_openapi_end, asset_seed, asset_seed_end\n'
blob asset_openapi "$openapi"
blob asset_seed "$seed"
i=0
for m in "$@"; do
	blob "mig_$i" "$m"
	printf 'mig_name_%d:\n\t.asciz "%s"\n' "$i" "$(basename "$m")"
	i=$((i + 1))
done
# struct asset_migration { const char *name; const char *sql; const char *end; } []
printf '\t.section .data.rel.ro\n\t.balign 8\n\t.global asset_migrations, asset_migration_count\n'
printf 'asset_migrations:\n'
for ((j = 0; j < i; j++)); do
	printf '\t.quad mig_name_%d, mig_%d, mig_%d_end\n' "$j" "$j" "$j"
done
printf '\t.quad 0, 0, 0\n'
printf '\t.section .rodata\n\t.balign 4\nasset_migration_count:\n\t.long %d\n' "$i"
printf '\t.section .note.GNU-stack,"",@progbits\n'
