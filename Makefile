# vidpipe: build, test and install. `make check` on a fresh machine installs what is missing, builds and
# runs every test; `make asan` runs the same suite under AddressSanitizer and UndefinedBehaviorSanitizer.

VERSION    := 0.1.0-dev
PREFIX     ?= /usr/local
BUILD      ?= build
CC         ?= cc
PKGS       := libcurl openssl yaml-0.1 jansson libxml-2.0 libzip

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
ENGINE_SRC := $(wildcard src/spec/*.c src/engine/*.c src/resources/*.c)
CLI_SRC    := $(wildcard src/cli/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)

CORE_OBJ   := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
T_OBJ      := $(BUILD)/obj/tests/unit/t.o

.PHONY: all deps check asan install demo docs clean
.DEFAULT_GOAL := all

all: deps $(BUILD)/vidpipe $(UNIT_BIN)

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

LIBS_ALL = $(BUILD)/libvpengine.a $(BUILD)/libvpcore.a

$(BUILD)/vidpipe: $(CLI_OBJ) $(LIBS_ALL)
	$(CC) $(OPT) -o $@ $(CLI_OBJ) $(LIBS_ALL) $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(T_OBJ) $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $< $(T_OBJ) $(LIBS_ALL) $(LDLIBS_ALL)

check: all
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
