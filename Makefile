# vidpipe: build, test and install. `make check` on a fresh machine installs what is missing, builds and
# runs every test; `make asan` runs the same suite under AddressSanitizer and UndefinedBehaviorSanitizer.

VERSION    := 0.1.0-dev
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

.PHONY: all deps check asan install demo docs clean
.DEFAULT_GOAL := all

all: deps $(BUILD)/vidpipe $(UNIT_BIN) handlers $(BUILD)/tests/drive-handler $(BUILD)/tests/drive-s3-watch

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

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

$(BUILD)/tools/mkzip: $(BUILD)/obj/tools/mkzip.o
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $< $(LDLIBS_ALL)

check: all
	@sh scripts/deps.sh test
	@BUILD=$(BUILD) sh tests/run.sh

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 check

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/vidpipe $(DESTDIR)$(PREFIX)/bin/vidpipe

demo: all
	@bash scripts/demo.sh

# specs/vidpipe.schema.json and the resource reference in specs/README.md, from the attribute tables.
docs: $(BUILD)/vidpipe
	@BUILD=$(BUILD) sh scripts/gen-docs.sh

clean:
	rm -rf build build-asan

-include $(CORE_OBJ:.o=.d) $(ENGINE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_SRC:tests/unit/%.c=$(BUILD)/obj/tests/unit/%.d)
-include $(HANDLER_OBJ:.o=.d) $(wildcard $(BUILD)/obj/handlers/main-*.d $(BUILD)/obj/tests/handlers/*.d $(BUILD)/obj/tools/*.d)
