#!/usr/bin/env bash
# Regenerates every checked-in generated file and fails if any differs from what is committed:
#   src/lib/contracts/generated/   scripts/compile-contracts.mjs (solc-js; not part of npm run build)
#   src/lib/**/*.gen.js, *.gen.d.ts scripts/gen-validators.mjs (the first step of npm run build)
#   oclif.manifest.json            oclif manifest + scripts/sort-manifest.mjs (the last steps of npm run build)
# Changed, deleted and new (untracked) files all count. Run it after changing contracts/, a schema, or
# a command's flags, and commit what it regenerates.
#
#   scripts/check-generated.sh               regenerate everything, then compare
#   scripts/check-generated.sh --after-build npm run build has just run (npm test's pretest does):
#                                            only recompile the contracts, then compare (.ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
node scripts/compile-contracts.mjs
if [ "${1:-}" != --after-build ]; then npm run build --silent; fi
paths=(src/lib/contracts/generated oclif.manifest.json ':(glob)src/**/*.gen.js' ':(glob)src/**/*.gen.d.ts')
changed=$(git status --porcelain --untracked-files=all -- "${paths[@]}")
if [ -n "$changed" ]; then
  echo "check-generated: these generated files are not what the sources generate:" >&2
  echo "$changed" >&2
  git --no-pager diff --stat -- "${paths[@]}" >&2
  echo "check-generated: run 'npm run compile:contracts && npm run build' and commit the result." >&2
  exit 1
fi
echo "check-generated: contract artifacts, validators and oclif.manifest.json are current ($(($(date +%s) - start)) s)"
