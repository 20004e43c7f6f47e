#!/usr/bin/env bash
# Headless Neovim end-to-end test of editors/nvim against the real relayout server.
# Usage: editors/nvim/test/run.sh [path/to/relayout]   (default: $RELAYOUT_BIN, else go build)
# Exit code: 0 all passed, 1 a check failed, 2 Lua error, 124 timeout. The last line is
# "N passed, N failed, N skipped". RELAYOUT_KEEP_TMP=1 keeps the workspace and server log.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plugin=$(cd "$here/.." && pwd)
repo=$(cd "$plugin/../.." && pwd)
command -v nvim >/dev/null || { echo "nvim not found (apt-get install neovim)"; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/relayout-nvim.XXXXXX")
cleanup() { [[ -n ${RELAYOUT_KEEP_TMP:-} ]] || rm -rf "$tmp"; }
trap cleanup EXIT
bin=${1:-${RELAYOUT_BIN:-}}
if [[ -z $bin ]]; then
  bin=$tmp/relayout
  (cd "$repo" && go build -o "$bin" ./cmd/relayout) || exit 2
fi
export RELAYOUT_BIN=$bin WS=$tmp/ws
mkdir -p "$WS"
echo "$(nvim --version | head -1); server $bin; workspace $WS"
# -u NONE: no user config; -i NONE: no shada; -n: no swap files. The server's log
# (stderr) goes to Neovim's LSP log in $XDG_STATE_HOME / $XDG_CACHE_HOME.
cd "$WS" && XDG_CACHE_HOME=$tmp/cache XDG_STATE_HOME=$tmp/state \
  timeout "${RELAYOUT_NVIM_TIMEOUT:-120}" nvim --headless -u NONE -i NONE -n \
  --cmd "set rtp^=$plugin" -c "luafile $here/e2e.lua" 2>"$tmp/stderr"
rc=$?
if [[ $rc != 0 ]]; then
  echo "--- nvim messages (stderr)"; cat "$tmp/stderr"; echo
  log=$(find "$tmp/cache" "$tmp/state" -name 'lsp.log' 2>/dev/null | head -1)
  [[ -n $log ]] && { echo "--- tail of $log"; tail -n 40 "$log"; }
  [[ $rc == 124 ]] && echo "nvim timed out"
  tail -n 1 < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/stdout" 2>/dev/null) || true
fi
exit $rc
