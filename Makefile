# Rendición: build, run and test. `make run` and `make test` are the two commands.
CC      ?= cc
PKGS    := libulfius libmicrohttpd jansson libjwt libpq libsodium xlsxwriter cairo-pdf pangocairo \
           fontconfig libcurl
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
           -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
           -fcf-protection -fPIE -Iservice $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS += -pie -Wl,-z,relro,-z,now
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

# B is the build directory (helpers and CI may build side by side: make B=/tmp/b).
B        ?= build
SRC      := $(sort $(wildcard service/*.c service/*/*.c))
MAIN     := service/main.c
LIB_SRC  := $(filter-out $(MAIN),$(SRC))
ASSETS   := $(B)/assets/openapi.json seed/plan-de-trabajo-2024-valle-de-los-chillos.json \
            $(sort $(wildcard migrations/*.sql)) $(sort $(wildcard migrations/functions/*.sql))

# The portal (web/) and the API reference: Swagger UI's files come from npm, pinned by
# web/vendor/package-lock.json. Each file is also embedded gzipped (served when accepted).
SWAGGER  := web/vendor/node_modules/swagger-ui-dist
WEB      := $(sort $(wildcard web/*.html web/*.css web/*.js web/*.svg)) \
            $(SWAGGER)/swagger-ui-bundle.js $(SWAGGER)/swagger-ui.css
WEB_GZ   := $(patsubst %,$(B)/assets/web/%.gz,$(notdir $(WEB)))

OBJ      := $(SRC:service/%.c=$(B)/obj/%.o) $(B)/obj/assets.o
ASAN_OBJ := $(SRC:service/%.c=$(B)-asan/obj/%.o) $(B)-asan/obj/assets.o
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# The version (rendicion --version, GET /health, /metrics): `git describe` of a tagged
# commit, else RELEASE and the commit it was built from, else RELEASE alone (a build
# without .git, as docker/Dockerfile's). Only service/core/version.c is rebuilt when it
# changes: the stamp file is rewritten only then.
RELEASE  := 2.0.0
VERSION  ?= $(or $(patsubst v%,%,$(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null)),$(addprefix $(RELEASE)+,$(shell git rev-parse --short HEAD 2>/dev/null)),$(RELEASE))
VERSION_STAMP := $(B)/version.txt
$(shell mkdir -p $(B) && [ "$$(cat $(VERSION_STAMP) 2>/dev/null)" = '$(VERSION)' ] || echo '$(VERSION)' > $(VERSION_STAMP))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)-asan/tests/%,$(sort $(wildcard tests/unit/test_*.c)))

# (test-browser is declared with its rule below.)
.PHONY: all run test test-unit test-integration test-asan check-asan test-faults test-contract lint valgrind bench deps clean \
        lint-openapi test-container fuzz
all: $(B)/rendicion

deps:
	@scripts/deps.sh

$(B)/rendicion: $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)-asan/rendicion: $(ASAN_OBJ)
	$(CC) $(LDFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

# -MMD: each object records the headers it includes (.d files), so a changed header
# rebuilds exactly what uses it.
$(B)/obj/%.o: service/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)-asan/obj/%.o: service/%.c
	@mkdir -p $(dir $@)
	@echo "  CC+SAN  $<"
	@$(CC) $(CFLAGS:-O2=-O1) $(SAN) -MMD -MP -c -o $@ $<

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d)

$(B)/obj/core/version.o $(B)-asan/obj/core/version.o: $(VERSION_STAMP)
$(B)/obj/core/version.o $(B)-asan/obj/core/version.o: CFLAGS += -DRENDICION_VERSION='"$(VERSION)"'

# The OpenAPI description is written as YAML and served as JSON: convert once, at build time.
$(B)/assets/openapi.json: openapi/openapi.yaml
	@mkdir -p $(dir $@)
	/usr/bin/python3 -c 'import sys, json, yaml; json.dump(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, separators=(",", ":"))' $< $@

# Migrations, the seed plan, the spec and the web files are compiled into the binary, so an
# image needs no data files.
$(B)/assets/assets.S: $(ASSETS) $(WEB) $(WEB_GZ) scripts/embed-assets.sh
	@mkdir -p $(dir $@)
	scripts/embed-assets.sh $(ASSETS) -- $(WEB) $(WEB_GZ) > $@

# -n: no name or time in the header, so the same file gives the same bytes (and ETag).
$(B)/assets/web/%.gz: web/%
	@mkdir -p $(dir $@)
	gzip -9 -n -c $< > $@
$(B)/assets/web/%.gz: $(SWAGGER)/%
	@mkdir -p $(dir $@)
	gzip -9 -n -c $< > $@

# `make deps` installs them; a build on a fresh clone fetches exactly the pinned versions.
$(SWAGGER)/swagger-ui-bundle.js $(SWAGGER)/swagger-ui.css &:
	cd web/vendor && npm ci --no-audit --no-fund --ignore-scripts

$(B)/obj/assets.o $(B)-asan/obj/assets.o: $(B)/assets/assets.S
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<

# Unit tests link the pure modules only, under ASan/UBSan.
$(B)-asan/tests/%: tests/unit/%.c $(filter-out $(B)-asan/obj/main.o,$(ASAN_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS:-O2=-O1) $(SAN) -o $@ $^ $(LDLIBS) -lcmocka

run: deps $(B)/rendicion
	@scripts/run.sh

test-unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

test-integration: $(B)/rendicion
	tests/integration/run.sh $(B)/rendicion

test-asan check-asan: $(B)-asan/rendicion
	SANITIZED=1 tests/integration/run.sh $(B)-asan/rendicion

# The integration suite on the release build, every exchange validated against the spec.
test-contract: $(B)/rendicion
	tests/contract/run.sh $(B)/rendicion

# Issue 17's hostile review replayed row by row, each with its fixed answer (the
# load-shaped rows 4, 5 and 6 are in tests/faults/, run by test-faults).
.PHONY: test-security
test-security: $(B)/rendicion
	TEST_FILES=tests/security/ tests/integration/run.sh $(B)/rendicion

# The database is stopped and restarted under the service: its own PostgreSQL and run.
test-faults: $(B)-asan/rendicion
	SANITIZED=1 TEST_FILES=tests/faults/ tests/integration/run.sh $(B)-asan/rendicion

# Release 1's database, migrated and filled by the binary built from its commit, upgrades
# to exactly the schema of a fresh migrate and keeps its rows; a changed file is refused.
.PHONY: test-upgrade
test-upgrade: $(B)/rendicion
	tests/upgrade/run.sh $(B)/rendicion

# The portal and /docs in Debian's chromium driven by playwright-core (tests/browser/,
# installed by `make deps`), against the real service and a private PostgreSQL.
.PHONY: test-browser
test-browser: $(B)/rendicion
	@test -d tests/browser/node_modules/playwright-core -a -x /usr/bin/chromium || \
		{ echo "test-browser: chromium or playwright-core missing: run make deps" >&2; exit 2; }
	TEST_FILES=tests/browser/ tests/integration/run.sh $(B)/rendicion

# The integration suite with the service's request pool through a private PgBouncer in
# transaction mode (its LISTEN connection direct), and the pooler's own tests.
.PHONY: test-pgbouncer
test-pgbouncer: $(B)/rendicion
	PGBOUNCER=1 TEST_FILES="tests/integration/ tests/pgbouncer/" tests/integration/run.sh $(B)/rendicion

# docker/compose.yaml's topology as processes here: PostgreSQL, PgBouncer, two replicas
# and HAProxy (tests/cluster/).
.PHONY: test-cluster
test-cluster: $(B)/rendicion
	tests/cluster/run.sh $(B)/rendicion

# deploy/kubernetes/ against the Kubernetes API schemas (kubernetes-models, pinned in
# deploy/kubernetes/check/package-lock.json; `make deps` installs it) and the README's rules.
.PHONY: check-kubernetes
check-kubernetes:
	@test -d deploy/kubernetes/check/node_modules/kubernetes-models || \
		{ echo "check-kubernetes: kubernetes-models missing: run make deps" >&2; exit 2; }
	node deploy/kubernetes/check/check.mjs

# Installs nothing: `make deps` (also run by `make run` and CI) does.
test: test-unit test-contract test-security test-browser test-asan test-faults test-upgrade

lint-openapi:
	openapi/lint.sh

# Builds the image from the unmodified docker/Dockerfile with podman (no registry) and
# serves the seed plan from it against a private PostgreSQL.
test-container:
	docker/test

# cppcheck and clang-tidy over service/, failing on any finding.
lint:
	scripts/lint.sh

# A short scenario of every command and resource under valgrind memcheck.
valgrind: $(B)/rendicion
	scripts/valgrind.sh $(B)/rendicion

# The benchmark: the service beside pgbench on the same SQL (prints one table); with
# BENCH_SCALE=1 then the scale step (bench-scale).
bench: $(B)/rendicion
	bench/run.sh $(B)/rendicion
	if [ "$(BENCH_SCALE)" = 1 ]; then bench/scale.sh $(B)/rendicion; fi

# The same SQL at today's size and at ten times the data, side by side (bench/scale.sh,
# about 10 minutes on 2 cores; not in make test or CI).
.PHONY: bench-scale
bench-scale: $(B)/rendicion
	bench/scale.sh $(B)/rendicion

# Mixed traffic through HAProxy to two replicas through PgBouncer for SOAK_MINUTES
# (default 10); one table of errors, RSS, p99, descriptors and connections (bench/soak.sh).
.PHONY: soak
soak: $(B)/rendicion
	bench/soak.sh $(B)/rendicion

# libFuzzer targets under ASan/UBSan (FUZZ_SECONDS each, default 60).
fuzz:
	scripts/fuzz.sh

clean:
	rm -rf $(B) $(B)-asan
