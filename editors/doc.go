// Package editors holds relayout's editor integrations — the VS Code
// extension (vscode/) and the Neovim plugin (nvim/) — and the Go test that
// runs their end-to-end tests, so `go test ./...` covers them.
//
// The tests build cmd/relayout into a temporary directory and drive the real
// binary: headless Neovim with the plugin (nvim/test/run.sh), and Node
// (node:test) with a protocol client that applies edits the way VS Code does,
// plus the extension's type check, bundle and package (vscode/test/). Tools
// that are missing (nvim, node, the npm packages of vscode/) make the tests
// skip with a message, except under CI=true, where .ci/run has installed
// them and a missing tool is a failure. The real-VS-Code run (vscode/e2e/,
// code-server and Chromium) is opt-in: RELAYOUT_E2E_VSCODE=1.
//
// The package has no Go API. It must not import any relayout package: it
// tests the binary, as an editor sees it.
package editors
