// Package tools installs the pinned npm tooling the tests use (DynamoDB Local, the reference
// Step Functions interpreter, Node 22, the ASL validators) and says where it is.
package tools

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

var installed struct {
	once sync.Once
	dir  string
	err  error
}

// Dir runs infra/tools/install.sh once per process (it installs only when the lock file
// changed) and returns the folder holding node_modules.
func Dir() (string, error) {
	installed.once.Do(func() { installed.dir, installed.err = install() })
	return installed.dir, installed.err
}

// Missing fails the test when the environment says CI=true, because CI must never pass by
// skipping, and skips it, loudly, otherwise.
func Missing(t testing.TB, what string, err error) {
	t.Helper()
	msg := fmt.Sprintf("%s unavailable (%v): install Java 17 and npm, then run `bash infra/tools/install.sh`", what, err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPED, NOT PASSED: " + msg)
}

func install() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("bash", filepath.Join(root, "infra", "tools", "install.sh"))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("infra/tools/install.sh: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	dir := strings.TrimSpace(stdout.String())
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		return "", fmt.Errorf("infra/tools/install.sh left no node_modules: %w", err)
	}
	return dir, nil
}

// repoRoot walks up from the working directory (a package folder under go test) to the
// folder that holds infra/tools/install.sh.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "infra", "tools", "install.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("infra/tools/install.sh not found above the working directory")
		}
		dir = parent
	}
}
