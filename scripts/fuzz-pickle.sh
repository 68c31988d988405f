#!/usr/bin/env bash
# Fuzz the pickle reader and writer with libFuzzer (clang's runtime ships with the Swift toolchain).
#
#   scripts/fuzz-pickle.sh [SECONDS]      default 600
#
# Builds Sources/pickle-fuzz with -sanitize=fuzzer,address into .build-fuzz-pickle, seeds the corpus
# with Tests/LarderPickleTests/Corpus (replayed by `swift test`), fuzzes for SECONDS, then adds
# what it found that reaches new code to that folder. A crash leaves crash-* files and a non-zero exit: add
# the input to the corpus and a regression test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-600}
corpus=Tests/LarderPickleTests/Corpus
work=.build-fuzz-pickle/corpus
mkdir -p "$corpus" "$work" .build-fuzz-pickle/artifacts
# The fuzz build has its own scratch path; reuse the main build's checkouts rather than fetch them again.
if [ -d .build/checkouts ] && [ ! -d .build-fuzz-pickle/checkouts ]; then
  cp -r .build/checkouts .build/repositories .build-fuzz-pickle/ 2>/dev/null || true
  cp -n .build/workspace-state.json .build-fuzz-pickle/ 2>/dev/null || true
fi

swift build -c release --product pickle-fuzz --scratch-path .build-fuzz-pickle \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -D -Xswiftc FUZZING -Xswiftc -use-ld=lld
fuzzer=.build-fuzz-pickle/release/pickle-fuzz

cp -n "$corpus"/* "$work"/ 2>/dev/null || true
"$fuzzer" "$work" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
  -artifact_prefix=.build-fuzz-pickle/artifacts/ 2>&1 | tee .build-fuzz-pickle/last-run.log | grep -E '^#[0-9]+ +(INITED|DONE|pulse)|stat::|ERROR|SUMMARY' || true

# Keep the committed inputs (CPython's pickles, named for their values) and add only what adds
# coverage, under libFuzzer's hash names.
rm -rf .build-fuzz-pickle/merged && mkdir -p .build-fuzz-pickle/merged
cp "$corpus"/* .build-fuzz-pickle/merged/
"$fuzzer" -merge=1 .build-fuzz-pickle/merged "$work" > .build-fuzz-pickle/merge.log 2>&1
cp -n .build-fuzz-pickle/merged/* "$corpus"/
echo "corpus: $(ls "$corpus" | wc -l) inputs in $corpus"
if ls .build-fuzz-pickle/artifacts/crash-* >/dev/null 2>&1; then
  echo "crashes found:"; ls .build-fuzz-pickle/artifacts/crash-*; exit 1
fi
