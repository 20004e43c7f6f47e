#!/usr/bin/env bash
# The extension in a real VS Code: code-server (VS Code 1.100.3, the web build) driven
# by headless Chromium through playwright-core, against the real relayout server.
# Opt-in and slow on first use (installs code-server: about 4 minutes, 300 MB):
#   editors/vscode/e2e/run.sh                 # or RELAYOUT_E2E_VSCODE=1 go test ./editors/
# Needs editors/vscode/node_modules (npm ci) and Debian packages it installs when run as
# root (chromium ripgrep build-essential pkg-config libsecret-1-dev libkrb5-dev curl).
# Env: RELAYOUT_E2E_SETUP_ONLY=1 (install, then stop), RELAYOUT_BIN (else go build), RELAYOUT_E2E_CACHE (code-server and playwright-core,
# default ~/.cache/relayout-vscode-e2e), PORT (18080), CHROMIUM, OUT_DIR (screenshots).
# The last line is "N passed, N failed"; exit 0 only when all passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ext=$(cd "$here/.." && pwd)
repo=$(cd "$ext/../.." && pwd)
CS_VERSION=4.100.3      # the last code-server for Node 20 (4.103+ needs Node 22)
PW_VERSION=1.65.1
RG_CACHE_VERSION=1.15.11 # @vscode/ripgrep in code-server 4.100.3's lib/vscode
cache=${RELAYOUT_E2E_CACHE:-$HOME/.cache/relayout-vscode-e2e}
PORT=${PORT:-18080}
t() { local s=$(date +%s); "$@"; local rc=$?; echo "== $(( $(date +%s)-s ))s: $*" >&2; return $rc; }
die() { echo "e2e setup: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

# 1. Debian packages.
need=()
command -v chromium >/dev/null || need+=(chromium fonts-liberation fonts-dejavu-core)
command -v rg >/dev/null || need+=(ripgrep)
command -v curl >/dev/null || need+=(curl)
command -v make >/dev/null || need+=(build-essential)
dpkg -s libsecret-1-dev >/dev/null 2>&1 || need+=(pkg-config libsecret-1-dev)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [[ ${#need[@]} -gt 0 ]]; then
  [[ $(id -u) == 0 ]] || die "install ${need[*]} (apt-get) first"
  t apt-get update -qq && DEBIAN_FRONTEND=noninteractive t apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || die "apt-get install ${need[*]} failed"
fi

# 2. code-server and playwright-core, once, outside the repository.
if [[ ! -x $cache/cs/node_modules/.bin/code-server ]]; then
  mkdir -p "$cache/cs"
  [[ -f $cache/cs/package.json ]] || echo '{"name":"relayout-e2e-code-server","private":true}' > "$cache/cs/package.json"
  # code-server's postinstall runs npm install in lib/vscode. @vscode/ripgrep's
  # postinstall downloads rg from GitHub: seed its cache with Debian's rg. As root the
  # script wants unsafe_perm; node-pty runs `npx node-gyp`, which needs yes=true.
  rgcache=${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RG_CACHE_VERSION
  mkdir -p "$rgcache"
  tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  (cd "$cache/cs" && t env npm_config_unsafe_perm=true npm_config_yes=true \
     npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION") || die "code-server install failed"
fi
if [[ ! -d $cache/pw/node_modules/playwright-core ]]; then
  mkdir -p "$cache/pw"
  [[ -f $cache/pw/package.json ]] || echo '{"name":"relayout-e2e-playwright","private":true}' > "$cache/pw/package.json"
  (cd "$cache/pw" && t npm install --no-audit --no-fund --loglevel=error "playwright-core@$PW_VERSION") || die "playwright-core install failed"
fi
CS=$cache/cs/node_modules/.bin/code-server
[[ -n ${RELAYOUT_E2E_SETUP_ONLY:-} ]] && { echo "setup done: $CS"; exit 0; }

# 3. The server and the extension.
T=$(mktemp -d "${TMPDIR:-/tmp}/relayout-vscode-e2e.XXXXXX")
bin=${RELAYOUT_BIN:-}
if [[ -z $bin ]]; then
  bin=$T/relayout
  (cd "$repo" && t go build -o "$bin" ./cmd/relayout) || die "go build failed"
fi
[[ -d $ext/node_modules/vscode-languageclient ]] || die "run (cd editors/vscode && npm ci) first"
(cd "$ext" && npm run -s build >/dev/null && t node_modules/.bin/vsce package --no-dependencies --skip-license -o "$T/relayout.vsix" >/dev/null) \
  || die "building the .vsix failed"

# 4. Workspace (the protocol tests' fixture), settings, code-server.
export WS OUT_DIR=${OUT_DIR:-$T/shots} CS_URL=http://127.0.0.1:$PORT
WS=$(cd "$ext" && node -e 'const f = require("./test/fixture"); console.log(f.makeWorkspace(f.NESTED))') || die "fixture"
mkdir -p "$OUT_DIR" "$T/user/User" "$T/exts"
cat > "$T/user/User/settings.json" <<JSON
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "files.participants.timeout": 20000,
  "relayout.serverPath": "$bin",
  "relayout.logLevel": "debug",
  "relayout.trace.server": "messages"
}
JSON
t "$CS" --user-data-dir "$T/user" --extensions-dir "$T/exts" --install-extension "$T/relayout.vsix" >/dev/null \
  || die "code-server --install-extension failed"
"$CS" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
  --user-data-dir "$T/user" --extensions-dir "$T/exts" "$WS" > "$T/code-server.log" 2>&1 &
cs_pid=$!
# Temp folders go when the run passes (RELAYOUT_KEEP_TMP=1 keeps them); a failed run
# keeps them for the screenshots and logs and says where they are.
cleanup() {
  local rc=$?
  kill $cs_pid 2>/dev/null; wait $cs_pid 2>/dev/null
  if [[ $rc == 0 && -z ${RELAYOUT_KEEP_TMP:-} ]]; then rm -rf "$T" "$WS"; fi
  exit $rc
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -fsS "$CS_URL/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$CS_URL/healthz" >/dev/null 2>&1 || die "code-server did not start (log $T/code-server.log)"

# 5. Drive it.
export USER_DATA=$T/user RELAYOUT_BIN=$bin
(cd "$here" && NODE_PATH=$cache/pw/node_modules timeout 600 node e2e.js); rc=$?
[[ $rc == 0 && -z ${RELAYOUT_KEEP_TMP:-} ]] ||
  echo "screenshots: $OUT_DIR; workspace: $WS; logs: $T/user/logs, $T/code-server.log" >&2
exit $rc
