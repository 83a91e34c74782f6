#!/bin/sh
# tests/fuzz/run.sh - build the libFuzzer harnesses (clang, ASan + UBSan)
# and run each for FUZZ_SECONDS (default 60). A crash fails the run and
# leaves the input in build-fuzz/crashes/. Prints executions and coverage.
#   FUZZ_SECONDS=600 make fuzz      a longer run
#   FUZZERS="fuzz_query" make fuzz  only some
set -eu
cd "$(dirname "$0")/../.."
SECS=${FUZZ_SECONDS:-60}
OUT=build-fuzz
CC=${FUZZ_CC:-clang}
if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzz: $CC not installed; skipped"
    exit 0
fi
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
make -s BUILD=$OUT CC="$CC" OPT="-O1 -g -fno-omit-frame-pointer" \
    SAN="$SAN -fsanitize=fuzzer-no-link" $OUT/libnewsfs.a
CFLAGS="-std=c11 -D_GNU_SOURCE -Iinclude $(pkg-config --cflags sqlite3 icu-uc)"
LIBS="$(pkg-config --libs fuse3 sqlite3 icu-uc icu-i18n) -lpthread -lm"
mkdir -p $OUT/crashes
status=0
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    case " ${FUZZERS:-$name} " in *" $name "*) ;; *) continue ;; esac
    $CC $CFLAGS -O1 -g $SAN -fsanitize=fuzzer "$src" $OUT/libnewsfs.a $LIBS -o $OUT/$name
    seeds=tests/fuzz/seeds/${name#fuzz_}
    corpus=$OUT/corpus/${name#fuzz_}
    mkdir -p "$corpus"
    echo "== $name: ${SECS}s"
    if ASAN_OPTIONS=detect_leaks=1 $OUT/$name -max_total_time="$SECS" -max_len=65536 \
        -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=$OUT/crashes/$name- \
        "$corpus" "$seeds" >$OUT/$name.log 2>&1; then
        grep -E '^#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss' $OUT/$name.log | tr '\n' ' '
        echo
    else
        status=1
        echo "$name FOUND A PROBLEM:"
        grep -E 'ERROR|SUMMARY|==[0-9]+==' $OUT/$name.log | head -20
        ls $OUT/crashes/ | grep "$name" | head
    fi
done
exit $status
