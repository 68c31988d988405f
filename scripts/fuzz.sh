#!/usr/bin/env bash
# Fuzz the RESP decoder with libFuzzer (clang's runtime ships with the Swift toolchain).
#
#   scripts/fuzz.sh [SECONDS]      default 600
#
# Builds Sources/resp-fuzz with -sanitize=fuzzer,address into .build-fuzz, seeds the corpus
# with Tests/LarderRESPTests/FuzzCorpus (replayed by `swift test`), fuzzes for SECONDS, then merges
# what it found back into that folder. A crash leaves crash-* files and a non-zero exit: add
# the input to the corpus and a regression test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-600}
corpus=Tests/LarderRESPTests/FuzzCorpus
work=.build-fuzz/corpus
mkdir -p "$corpus" "$work" .build-fuzz/artifacts

swift build -c release --product resp-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -D -Xswiftc FUZZING -Xswiftc -use-ld=lld
fuzzer=.build-fuzz/release/resp-fuzz

cp -n "$corpus"/* "$work"/ 2>/dev/null || true
"$fuzzer" "$work" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
  -artifact_prefix=.build-fuzz/artifacts/ 2>&1 | tee .build-fuzz/last-run.log | grep -E '^#[0-9]+ +(INITED|DONE|pulse)|stat::|ERROR|SUMMARY' || true

# Keep only inputs that add coverage: the minimised corpus replaces the committed one.
rm -rf .build-fuzz/merged && mkdir -p .build-fuzz/merged
"$fuzzer" -merge=1 .build-fuzz/merged "$work" "$corpus" > .build-fuzz/merge.log 2>&1
rm -f "$corpus"/*
cp .build-fuzz/merged/* "$corpus"/
echo "corpus: $(ls "$corpus" | wc -l) inputs in $corpus"
if ls .build-fuzz/artifacts/crash-* >/dev/null 2>&1; then
  echo "crashes found:"; ls .build-fuzz/artifacts/crash-*; exit 1
fi
