# Rendición: build, run and test. `make run` and `make test` are the two commands.
CC      ?= cc
PKGS    := libulfius libmicrohttpd jansson libjwt libpq libsodium xlsxwriter cairo-pdf pangocairo \
           fontconfig
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

OBJ      := $(SRC:service/%.c=$(B)/obj/%.o) $(B)/obj/assets.o
ASAN_OBJ := $(SRC:service/%.c=$(B)-asan/obj/%.o) $(B)-asan/obj/assets.o
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)-asan/tests/%,$(sort $(wildcard tests/unit/test_*.c)))

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

# The OpenAPI description is written as YAML and served as JSON: convert once, at build time.
$(B)/assets/openapi.json: openapi/openapi.yaml
	@mkdir -p $(dir $@)
	/usr/bin/python3 -c 'import sys, json, yaml; json.dump(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, separators=(",", ":"))' $< $@

# Migrations, the seed plan and the spec are compiled into the binary, so an image needs no data files.
$(B)/assets/assets.S: $(ASSETS) scripts/embed-assets.sh
	@mkdir -p $(dir $@)
	scripts/embed-assets.sh $(ASSETS) > $@

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

# The database is stopped and restarted under the service: its own PostgreSQL and run.
test-faults: $(B)-asan/rendicion
	SANITIZED=1 TEST_FILES=tests/faults/ tests/integration/run.sh $(B)-asan/rendicion

# Release 1's database, migrated and filled by the binary built from its commit, upgrades
# to exactly the schema of a fresh migrate and keeps its rows; a changed file is refused.
.PHONY: test-upgrade
test-upgrade: $(B)/rendicion
	tests/upgrade/run.sh $(B)/rendicion

# Installs nothing: `make deps` (also run by `make run` and CI) does.
test: test-unit test-contract test-asan test-faults test-upgrade

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

# The benchmark: the service beside pgbench on the same SQL (prints one table).
bench: $(B)/rendicion
	bench/run.sh $(B)/rendicion

# libFuzzer targets under ASan/UBSan (FUZZ_SECONDS each, default 60).
fuzz:
	scripts/fuzz.sh

clean:
	rm -rf $(B) $(B)-asan
