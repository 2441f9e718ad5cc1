# vidpipe: build, test and install. `make check` on a fresh machine installs what is missing, builds and
# runs every test; `make asan` runs the same suite under AddressSanitizer and UndefinedBehaviorSanitizer.

# The version, in Semantic Versioning 2.0.0 form, is the VERSION file's one line (CHANGELOG.md says what each
# version holds). The sources that print it are recompiled when it changes.
VERSION    := $(strip $(file <VERSION))
$(if $(VERSION),,$(error the VERSION file is missing or empty))
# The commit `vidpipe version` names: in a source tarball the .commit file `make dist` wrote (first, so a
# tarball unpacked inside another repository does not take its commit), else git's.
COMMIT     := $(shell cat .commit 2>/dev/null || git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
PREFIX     ?= /usr/local
BUILD      ?= build
CC         ?= cc
PKGS       := libcurl openssl yaml-0.1 jansson expat libzip libmicrohttpd

WARN       := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
DEFS       := -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -DVP_VERSION='"$(VERSION)"'
OPT        ?= -O2 -g
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ifeq ($(SAN),1)
OPT        := -O1 -g $(SAN_FLAGS)
endif
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL  = $(WARN) $(DEFS) $(OPT) -Isrc $(PKG_CFLAGS) -MMD -MP
LDLIBS_ALL  = $(PKG_LIBS) -lpthread -lm

CORE_SRC   := $(wildcard src/base/*.c src/aws/*.c)
ENGINE_SRC := $(wildcard src/spec/*.c src/engine/*.c src/resources/*.c src/local/*.c)
CLI_SRC    := $(wildcard src/cli/*.c)
# The handlers' library: the runtime and every handler (bootstrap_main.c is each bootstrap's main()).
HANDLER_SRC := $(filter-out src/handlers/bootstrap_main.c,$(wildcard src/handlers/*.c))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)

CORE_OBJ   := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
HANDLER_OBJ := $(HANDLER_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
T_OBJ      := $(BUILD)/obj/tests/unit/t.o

.PHONY: all deps check asan install uninstall dist deb demo docs clean
.DEFAULT_GOAL := all

all: deps $(BUILD)/vidpipe $(UNIT_BIN) handlers $(BUILD)/tests/drive-handler $(BUILD)/tests/drive-s3-watch

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# Only version.c gets the commit (VP_COMMIT), so a new commit recompiles version.o alone: it depends on a
# stamp that is rewritten only when the commit it holds differs from $(COMMIT).
$(BUILD)/obj/src/cli/version.o: DEFS += -DVP_COMMIT='"$(COMMIT)"'
$(BUILD)/obj/src/cli/version.o: $(BUILD)/commit.stamp
$(BUILD)/commit.stamp: FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = '$(COMMIT)' ] || echo '$(COMMIT)' >$@
.PHONY: FORCE
FORCE:

$(BUILD)/libvpcore.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The engine library: spec, engine and providers. The CLI and the unit tests link it before the core.
$(BUILD)/libvpengine.a: $(ENGINE_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The handlers' library: the runtime (runtime*.c) and the handlers. Unit tests link it too.
$(BUILD)/libvphandlers.a: $(HANDLER_OBJ)
	@rm -f $@
	ar rcs $@ $^

LIBS_ALL = $(BUILD)/libvphandlers.a $(BUILD)/libvpengine.a $(BUILD)/libvpcore.a

$(BUILD)/vidpipe: $(CLI_OBJ) $(LIBS_ALL)
	$(CC) $(OPT) -o $@ $(CLI_OBJ) $(LIBS_ALL) $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(T_OBJ) $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $< $(T_OBJ) $(LIBS_ALL) $(LDLIBS_ALL)

# --- Lambda handlers --------------------------------------------------------------------------------------
# For each handler whose src/handlers/<name>.c exists (they land one by one):
#   $(BUILD)/bin/bootstrap-<name>   the handler's program linked for this machine (`vidpipe invoke`, tests)
#   $(BUILD)/handlers/<name>.zip    the Lambda artifact: `bootstrap` (the program itself, no shell script)
#                                   with its ELF loader and shared libraries in lib/ (scripts/bundle-handler.sh
#                                   says why); byte-identical from build to build (tools/mkzip.c)
# tests/handlers/echo.c is a test handler (runtime and artifact tests): bin/bootstrap-echo and
# tests/handlers/echo.zip. The zips are built in the normal build only: a sanitizer runtime does not belong
# in an artifact, and the ASan build tests the same code through the local bootstraps.
HANDLER_NAMES  := presign convert package videos
HANDLERS       := $(patsubst src/handlers/%.c,%,$(wildcard $(HANDLER_NAMES:%=src/handlers/%.c)))
TEST_HANDLERS  := echo
HANDLER_BINS   := $(patsubst %,$(BUILD)/bin/bootstrap-%,$(HANDLERS) $(TEST_HANDLERS))
HANDLER_ZIPS   := $(HANDLERS:%=$(BUILD)/handlers/%.zip) $(TEST_HANDLERS:%=$(BUILD)/tests/handlers/%.zip)
HANDLER_LINK    = $(BUILD)/libvphandlers.a $(BUILD)/libvpcore.a $(LDLIBS_ALL)
# The artifact's loader and libraries are in /var/task/lib (Lambda unpacks the zip in /var/task); only the
# libraries really used are named (--as-needed); no build id, so nothing differs between two builds.
ARTIFACT_LDFLAGS := -Wl,--as-needed -Wl,--dynamic-linker=/var/task/lib/ld-linux-x86-64.so.2 \
                    -Wl,-rpath,/var/task/lib -Wl,--disable-new-dtags -Wl,--build-id=none

.PHONY: handlers
ifeq ($(SAN),1)
handlers: $(HANDLER_BINS)
else
handlers: $(HANDLER_BINS) $(HANDLER_ZIPS)
endif

# main() for handler <name>: bootstrap_main.c with VP_BOOTSTRAP_HANDLER=vp_handler_<name>.
.PRECIOUS: $(BUILD)/obj/handlers/main-%.o
$(BUILD)/obj/handlers/main-%.o: src/handlers/bootstrap_main.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DVP_BOOTSTRAP_HANDLER=vp_handler_$* -c $< -o $@

$(BUILD)/bin/bootstrap-%: $(BUILD)/obj/handlers/main-%.o $(BUILD)/libvphandlers.a $(BUILD)/libvpcore.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $(filter %.o,$^) $(HANDLER_LINK)

# Links the artifact's ELF, lays out the zip's root beside it and zips it (mkzip prints the size).
define make_handler_zip
	@mkdir -p $(dir $@)
	$(CC) $(ARTIFACT_LDFLAGS) -o $(@:.zip=.elf) $(filter %.o,$^) $(HANDLER_LINK)
	@sh scripts/bundle-handler.sh $(@:.zip=.elf) $(@:.zip=)
	@$(BUILD)/tools/mkzip $@ $(@:.zip=)
endef

$(BUILD)/handlers/%.zip: $(BUILD)/obj/handlers/main-%.o $(BUILD)/libvphandlers.a $(BUILD)/libvpcore.a \
                         $(BUILD)/tools/mkzip scripts/bundle-handler.sh
	$(make_handler_zip)

$(BUILD)/tests/handlers/%.zip: $(BUILD)/obj/handlers/main-%.o $(BUILD)/libvphandlers.a $(BUILD)/libvpcore.a \
                               $(BUILD)/tools/mkzip scripts/bundle-handler.sh
	$(make_handler_zip)

# Test handlers are not in the library: their object is added to their bootstraps.
$(foreach t,$(TEST_HANDLERS),$(eval $(BUILD)/bin/bootstrap-$(t) $(BUILD)/tests/handlers/$(t).zip: $(BUILD)/obj/tests/handlers/$(t).o))

# tests/handlers/drive.c: an API handler's init and handle on event files, without the Runtime API
# (6100-presign.sh and 6400-videos.sh drive presign and videos with it).
$(BUILD)/tests/drive-handler: $(BUILD)/obj/tests/handlers/drive.o $(BUILD)/libvphandlers.a $(BUILD)/libvpcore.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $< $(HANDLER_LINK)

# tests/handlers/watch.c: the bucket watcher (src/local/s3_watch.c) polled on request (6700-s3-watch.sh).
$(BUILD)/tests/drive-s3-watch: $(BUILD)/obj/tests/handlers/watch.o $(BUILD)/libvpengine.a $(BUILD)/libvpcore.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $< $(BUILD)/libvpengine.a $(BUILD)/libvpcore.a $(LDLIBS_ALL)

# tests/bench/handler_bench.c: times a handler's bootstrap (C or Python) under the local Runtime API host
# (src/local/rapi_host.c); tests/bench/handlers.py runs it (`make bench`).
$(BUILD)/tests/handler-bench: $(BUILD)/obj/tests/bench/handler_bench.o $(BUILD)/libvpengine.a $(BUILD)/libvpcore.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $< $(BUILD)/libvpengine.a $(BUILD)/libvpcore.a $(LDLIBS_ALL)

$(BUILD)/tools/mkzip: $(BUILD)/obj/tools/mkzip.o
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $< $(LDLIBS_ALL)

check: all
	@sh scripts/deps.sh test
	@BUILD=$(BUILD) sh tests/run.sh

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 check

# make bench: the reconciler benchmarks (tests/bench/run.py: vidpipe apply, no-op plan and destroy through the
# fault proxy at 0 and 30 ms per request, beside the replayed floor and the boto3 peers, all on 127.0.0.1)
# and, when tests/bench/handlers.py exists, the handler benchmarks; tests/bench/report.py writes BENCHMARKS.md
# from both. Run it on a quiet machine. BENCH_ARGS='--sizes 10 --quick' for a short trial.
.PHONY: bench
BENCH_HANDLERS := $(if $(wildcard tests/bench/handlers.py),$(BUILD)/tests/handler-bench)
bench: all $(BUILD)/bench/floor $(BENCH_HANDLERS)
	@rm -f $(BUILD)/bench/handlers.md
	@if [ -n '$(BENCH_HANDLERS)' ]; then python3 tests/bench/handlers.py --build $(BUILD) \
	    --out $(BUILD)/bench/handlers.md || echo "make bench: the handler benchmarks failed" >&2; fi
	python3 tests/bench/run.py --build $(BUILD) --out $(BUILD)/bench/results.json $(BENCH_ARGS)
	python3 tests/bench/report.py $(BUILD)/bench/results.json --handlers $(BUILD)/bench/handlers.md \
	    >$(BUILD)/bench/BENCHMARKS.md && mv $(BUILD)/bench/BENCHMARKS.md BENCHMARKS.md
	@echo "BENCHMARKS.md written"

# The floor of the reconciler benchmarks: replays recorded requests with libcurl's multi interface.
$(BUILD)/bench/floor: tests/bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_DEFAULT_SOURCE $(OPT) -o $@ $< $(shell pkg-config --cflags --libs libcurl jansson)

# make soak: the crash-consistency test (3610) with vidpipe killed after every one of its AWS requests over a
# whole apply and a whole destroy, not a sample (about 310 runs: an hour or more); CRASH_K="3 17" runs only those k.
.PHONY: soak
soak: all
	@sh scripts/deps.sh test
	@BUILD=$(BUILD) CRASH_K="$${CRASH_K:-all}" TESTS=3610-crash sh tests/run.sh

# --- fuzzing ------------------------------------------------------------------------------------------------
# tests/fuzz/fuzz_<name>.c: one libFuzzer target each (spec, SigV4, XML and JSON errors, handler events).
# In every build (`all`) each is linked with tests/fuzz/replay.c as $(BUILD)/tests/fuzz/fuzz_<name>, which
# replays the committed corpus and regressions (tests/scenarios/1950-fuzz-replay.sh; sanitized under asan).
# `make fuzz` builds the sources again with clang into $(BUILD_FUZZ) (-fsanitize=fuzzer-no-link plus ASan and
# UBSan), links each target with libFuzzer and runs it FUZZ_SECONDS (tests/fuzz/fuzz.sh says how).
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY  := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/%)
BUILD_FUZZ   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_OPT     := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer

all: $(FUZZ_REPLAY)

$(FUZZ_REPLAY): $(BUILD)/tests/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tests/fuzz/replay.o $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $(filter %.o,$^) $(LIBS_ALL) $(LDLIBS_ALL)

$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -fsanitize=fuzzer -o $@ $< $(LIBS_ALL) $(LDLIBS_ALL)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)

fuzz:
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz: needs $(FUZZ_CC) with libFuzzer (Debian: apt install clang)" >&2; exit 1; }
	@$(MAKE) --no-print-directory BUILD=$(BUILD_FUZZ) CC=$(FUZZ_CC) OPT='$(FUZZ_OPT)' fuzz-build
	@sh tests/fuzz/fuzz.sh $(BUILD_FUZZ)/fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

# --- install, uninstall, dist, deb -------------------------------------------------------------------------
# make install PREFIX=/usr/local [DESTDIR=/staging]: the binary, the man pages (man/*.1), the bash and zsh
# completions and the handler zips. The installed vidpipe finds the zips in HANDLERSDIR by default: it is
# compiled into src/resources/artifacts.c (after VIDPIPE_ARTIFACTS_DIR and build/handlers in a checkout), and
# artifacts.o is recompiled when it changes (a stamp rewritten only then), so build and install with the same
# PREFIX. `make uninstall` with the same PREFIX and DESTDIR removes what install put there.
BINDIR      = $(PREFIX)/bin
MANDIR      = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/vendor-completions
HANDLERSDIR = $(PREFIX)/lib/vidpipe/handlers
MAN_PAGES   = $(wildcard man/*.1)

$(BUILD)/obj/src/resources/artifacts.o: DEFS += -DVP_ARTIFACTS_DIR='"$(HANDLERSDIR)"'
$(BUILD)/obj/src/resources/artifacts.o: $(BUILD)/handlersdir.stamp
$(BUILD)/handlersdir.stamp: FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = '$(HANDLERSDIR)' ] || echo '$(HANDLERSDIR)' >$@
# The sources that use VP_VERSION are recompiled when VERSION changes.
$(patsubst %.c,$(BUILD)/obj/%.o,$(shell grep -rl --include='*.c' VP_VERSION src 2>/dev/null)): VERSION

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(HANDLERSDIR)
	install -m 0755 $(BUILD)/vidpipe $(DESTDIR)$(BINDIR)/vidpipe
	install -m 0644 $(HANDLERS:%=$(BUILD)/handlers/%.zip) $(DESTDIR)$(HANDLERSDIR)/
ifneq ($(MAN_PAGES),)
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
endif
ifneq ($(wildcard completions/vidpipe.bash),)
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 completions/vidpipe.bash $(DESTDIR)$(BASHCOMPDIR)/vidpipe
endif
ifneq ($(wildcard completions/_vidpipe),)
	install -d $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 completions/_vidpipe $(DESTDIR)$(ZSHCOMPDIR)/_vidpipe
endif

# Removes the files (man pages also gzipped, as the .deb has them) and vidpipe's own folders, nothing else.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vidpipe $(DESTDIR)$(BASHCOMPDIR)/vidpipe $(DESTDIR)$(ZSHCOMPDIR)/_vidpipe
	rm -f $(HANDLER_NAMES:%=$(DESTDIR)$(HANDLERSDIR)/%.zip)
	rm -f $(foreach m,$(notdir $(MAN_PAGES)),$(DESTDIR)$(MANDIR)/man1/$(m) $(DESTDIR)$(MANDIR)/man1/$(m).gz)
	@d='$(DESTDIR)$(HANDLERSDIR)'; rmdir "$$d" 2>/dev/null; \
	    case "$$d" in */vidpipe/handlers) rmdir "$${d%/handlers}" 2>/dev/null;; esac; true

# make dist: $(BUILD)/vidpipe-VERSION.tar.gz, the sources of DIST_REF (default HEAD: what is committed)
# under vidpipe-VERSION/, plus a .commit file naming the commit, which `vidpipe version` shows when built
# from the tarball (no git there). Built with `make`, like a checkout.
DIST_REF    ?= HEAD
DIST_NAME    = vidpipe-$(VERSION)
DIST_FILE    = $(BUILD)/$(DIST_NAME).tar.gz
DIST_COMMIT  = $(shell git rev-parse --short=12 '$(DIST_REF)^{commit}' 2>/dev/null || git rev-parse --short=12 HEAD)

dist:
	@git rev-parse --verify -q '$(DIST_REF)^{tree}' >/dev/null || { echo "make dist: needs a git checkout" >&2; exit 1; }
	@[ '$(DIST_REF)' != HEAD ] || git diff --quiet HEAD -- || \
	    echo "make dist: note: uncommitted changes are not in the tarball (it holds HEAD)" >&2
	@rm -rf $(BUILD)/dist && mkdir -p $(BUILD)/dist
	@echo '$(DIST_COMMIT)' >$(BUILD)/dist/.commit
	git archive --format=tar --prefix=$(DIST_NAME)/ --add-file=$(BUILD)/dist/.commit \
	    -o $(BUILD)/dist/$(DIST_NAME).tar '$(DIST_REF)'
	gzip -9n <$(BUILD)/dist/$(DIST_NAME).tar >$(DIST_FILE)
	@rm -rf $(BUILD)/dist
	@echo "$(DIST_FILE)"

# make deb: $(BUILD)/vidpipe_DEBVERSION_ARCH.deb, installing to /usr (the handler zips in
# /usr/lib/vidpipe/handlers): `make install PREFIX=/usr` into $(BUILD)/deb/root, then scripts/mkdeb.sh
# (control with Depends from dpkg-shlibdeps, md5sums, dpkg-deb). The Debian version is VERSION with the
# pre-release's hyphen as a tilde (0.1.0-dev -> 0.1.0~dev), so it sorts before the release, as in SemVer.
DEB_VERSION     = $(shell printf '%s' '$(VERSION)' | sed 's/-/~/; s/-/./g')
DEB_ARCH        = $(shell dpkg --print-architecture 2>/dev/null || echo unknown)
DEB_FILE        = $(BUILD)/vidpipe_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_MAINTAINER ?= vidpipe maintainers <maintainers@users.noreply.b-seed-879c9090.example>

deb:
	@command -v dpkg-deb >/dev/null || { echo "make deb: needs dpkg-deb (Debian's dpkg)" >&2; exit 1; }
	@rm -rf $(BUILD)/deb
	@$(MAKE) --no-print-directory PREFIX=/usr DESTDIR=$(abspath $(BUILD))/deb/root install
	@sh scripts/mkdeb.sh $(BUILD)/deb/root '$(DEB_VERSION)' '$(DEB_ARCH)' '$(DEB_MAINTAINER)' $(DEB_FILE)
	@rm -rf $(BUILD)/deb

demo: all
	@bash scripts/demo.sh

# specs/vidpipe.schema.json and the resource reference in specs/README.md, from the attribute tables.
docs: $(BUILD)/vidpipe
	@BUILD=$(BUILD) sh scripts/gen-docs.sh

clean:
	rm -rf build build-asan $(BUILD_FUZZ)

-include $(CORE_OBJ:.o=.d) $(ENGINE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_SRC:tests/unit/%.c=$(BUILD)/obj/tests/unit/%.d)
-include $(HANDLER_OBJ:.o=.d) $(wildcard $(BUILD)/obj/handlers/main-*.d $(BUILD)/obj/tests/handlers/*.d $(BUILD)/obj/tools/*.d)
-include $(wildcard $(BUILD)/obj/tests/fuzz/*.d)
