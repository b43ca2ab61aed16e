#!/usr/bin/env bash
# The browser client's checks and browser suite (clients/browser): installs its npm packages exactly as
# package-lock.json pins them (esbuild, typescript, playwright-core: no browser is downloaded), checks
# that dist/ is what src/ builds and that the types compile, then runs the suite in Debian's headless
# Chromium (installed with apt-get when missing) against gateway/target/herald.jar, so run it after
# `mvn package` or `mvn verify` (bin/test does). Prints node's test summary; exits non-zero on failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "clients/browser: node and npm are needed (Node.js 18 or newer)" >&2
  exit 1
fi
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "clients/browser: chromium is missing; installing Debian's with apt-get" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update && $sudo apt-get install -y chromium
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "clients/browser: redis-server is needed (bin/test installs it)" >&2
  exit 1
fi
if [ ! -f ../../gateway/target/herald.jar ]; then
  echo "clients/browser: gateway/target/herald.jar is missing; build Herald first (mvn -B -DskipTests package)" >&2
  exit 1
fi

npm ci --silent --prefer-offline --no-audit --no-fund
npm run --silent check
exec node --test --test-concurrency=1 test/*.test.mjs
