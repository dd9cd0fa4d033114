#!/bin/sh
# The whole test suite from a fresh clone: system packages, dependencies, build, lint, then every test
# inside a private D-Bus session with a real (throwaway) gnome-keyring.
set -e
cd "$(dirname "$0")/.."
sh scripts/system-deps.sh
# The lock file lists every platform's optional binaries, so npm ci installs exactly it and never rewrites it.
npm ci --no-audit --no-fund
npm run build
npm run lint
npx tsc --noEmit -p tsconfig.test.json
[ $# -eq 0 ] && set -- 'test/**/*.test.ts'
scripts/with-keyring.sh npx mocha "$@"
