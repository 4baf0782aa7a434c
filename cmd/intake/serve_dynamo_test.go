package main

import (
	"net/http"
	"os"
	"os/exec"
	"testing"

	"github.com/intake-project/intake/infra/dynamolocal"
)

func TestMain(m *testing.M) { os.Exit(dynamolocal.Main(m)) }

// TestServeOnDynamoDB runs `intake serve --dynamodb-endpoint` against DynamoDB Local: the
// table is created when absent, and a submission is filed there.
func TestServeOnDynamoDB(t *testing.T) {
	endpoint := dynamolocal.Start(t)
	data := t.TempDir()
	cmd := exec.Command(intakeBinary(t), "serve", "--addr", "127.0.0.1:0", "--data", data,
		"--dynamodb-endpoint", endpoint, "--table", "intake-e2e")
	s := startCommand(t, cmd, data)
	r := s.postJSON(validJSON, nil)
	if r.status != http.StatusAccepted {
		t.Fatalf("POST: HTTP %d %s", r.status, r.raw)
	}
	st := s.waitStatus(r.body["id"].(string))
	if st.body["status"] != "FILED" {
		t.Fatalf("status = %s, want FILED", st.raw)
	}
}
