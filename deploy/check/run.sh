#!/usr/bin/env bash
# Checks Herald's Kubernetes manifests offline (deploy/k8s): installs the checker's two npm
# packages exactly as package-lock.json pins them, then runs check-manifests.mjs with its
# self-test. Prints one line per check and "N passed, M failed"; exits non-zero on any failure.
# Needs Node.js 18 or newer and npm (the npm registry, or npm's cache, for `npm ci`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "deploy/check: node and npm are needed (Node.js 18 or newer)" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 18 ]; then
  echo "deploy/check: Node.js $(node --version) is too old; 18 or newer is needed" >&2
  exit 1
fi
npm ci --silent --prefer-offline --no-audit --no-fund
exec node check-manifests.mjs --self-test "$@"
