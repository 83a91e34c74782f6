# newsfs - build, test, run, bench.
#
#   make            build build/newsfs
#   make run        install missing packages, build, index the bundled sample
#                   corpus and mount it on ./mountpoint (make stop unmounts)
#   make test       build and run every test; last line "N passed, N failed, N skipped"
#   make asan       the same tests under AddressSanitizer + UBSan (build-asan/)
#   make bench      archive-scale benchmark (see tests/bench/README)
#   make install    PREFIX=/usr/local DESTDIR=

CC      ?= cc
PKGS    := fuse3 sqlite3 icu-uc icu-i18n
BUILD   ?= build
OPT     ?= -O2 -g
SAN     ?=
CFLAGS  ?=
PREFIX  ?= /usr/local
DESTDIR ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2 -Wvla
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(OPT) $(SAN) $(WARN) \
              -Iinclude -I$(BUILD) $(PKG_CFLAGS) $(CFLAGS)
LIBS    := $(PKG_LIBS) -lpthread -lm

SRC      := $(filter-out src/main.c,$(wildcard src/*.c))
OBJ      := $(SRC:src/%.c=$(BUILD)/obj/%.o)
DATA     := $(sort $(wildcard src/data/*))
DATA_OBJ := $(DATA:src/data/%=$(BUILD)/obj/data_%.o)
LIB      := $(BUILD)/libnewsfs.a
TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
FUZZERS  := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

CORPUS     ?= tests/fixtures/corpus
MOUNTPOINT ?= mountpoint
RUN_DB     ?= $(BUILD)/sample.db

.PHONY: all test asan run stop deps clean install uninstall bench fuzz check-deps
all: check-deps $(BUILD)/newsfs

check-deps:
	@pkg-config --exists $(PKGS) || { echo "missing development packages ($(PKGS)); run 'make deps' (needs root) or see README.md" >&2; exit 1; }

deps:
	@.ci/install-deps

# -MMD -MP: each object depends on exactly the headers it includes
$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

-include $(wildcard $(BUILD)/obj/*.d)

# Data files under src/data/ are compiled into the binary (see src/tools/embed.c).
$(BUILD)/embed: src/tools/embed.c | $(BUILD)/obj
	$(CC) -std=c11 -O2 -Wall -Wextra $< -o $@

$(BUILD)/obj/data_%.o: src/data/% $(BUILD)/embed | $(BUILD)/obj
	$(BUILD)/embed $< nfs_data_$(subst .,_,$(subst -,_,$*)) > $(BUILD)/obj/data_$*.c
	$(CC) $(ALL_CFLAGS) -c $(BUILD)/obj/data_$*.c -o $@

$(LIB): $(OBJ) $(DATA_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/newsfs: $(BUILD)/obj/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit -MMD -MP -MF $@.d $< $(LIB) -o $@ $(LIBS)

$(BUILD)/tests/datedump: tests/tools/datedump.c $(LIB) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -MMD -MP -MF $@.d $< $(LIB) -o $@ $(LIBS)

-include $(wildcard $(BUILD)/tests/*.d)

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# datedump: a test-only driver of the dates module, built with the same flags
# (sanitizers included) so tests/shared can score dates in any build
test: all $(TESTS) $(BUILD)/tests/datedump
	@NEWSFS=$(BUILD)/newsfs TEST_BIN=$(BUILD)/tests NEWSFS_SANITIZED=$(if $(SAN),1,) sh tests/run.sh

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" test

run: deps all
	@mkdir -p $(MOUNTPOINT)
	@if mountpoint -q $(MOUNTPOINT); then fusermount3 -u $(MOUNTPOINT); fi
	$(BUILD)/newsfs index $(CORPUS) $(RUN_DB)
	$(BUILD)/newsfs mount $(RUN_DB) $(MOUNTPOINT)
	@echo "mounted on $(MOUNTPOINT): try  ls $(MOUNTPOINT)/issues  or  cat $(MOUNTPOINT)/README.txt;  'make stop' unmounts"

stop:
	@if mountpoint -q $(MOUNTPOINT); then fusermount3 -u $(MOUNTPOINT) && echo "unmounted $(MOUNTPOINT)"; else echo "$(MOUNTPOINT) is not mounted"; fi

bench: all
	@NEWSFS=$(BUILD)/newsfs sh tests/bench/bench.sh

fuzz:
	@sh tests/fuzz/run.sh

# mount(8) runs helpers from /sbin (and /sbin/fs.d) only, whatever PREFIX is:
# the mount.newsfs link goes there, so fstab entries of type newsfs work.
SBINDIR ?= /sbin

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(SBINDIR)
	install -m 0755 $(BUILD)/newsfs $(DESTDIR)$(PREFIX)/bin/newsfs
	ln -sf $(PREFIX)/bin/newsfs $(DESTDIR)$(SBINDIR)/mount.newsfs
	install -m 0644 src/newsfs.1 $(DESTDIR)$(PREFIX)/share/man/man1/newsfs.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/newsfs $(DESTDIR)$(SBINDIR)/mount.newsfs \
	      $(DESTDIR)$(PREFIX)/share/man/man1/newsfs.1

clean:
	rm -rf build build-asan build-fuzz
