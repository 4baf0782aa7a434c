package dynamolocal

import (
	"net/http"
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestStartAnswersAndIsShared(t *testing.T) {
	first := Start(t)
	resp, err := http.Get(first + "/")
	if err != nil {
		t.Fatalf("GET /: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("GET / answered %d, want 400 from DynamoDB Local", resp.StatusCode)
	}
	if second := Start(t); second != first {
		t.Fatalf("second Start gave %s, want the shared %s", second, first)
	}
}

func TestStartWithoutJavaSaysSo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := start()
	if err == nil || !strings.Contains(err.Error(), "java") {
		t.Fatalf("start without java on PATH: %v, want an error naming java", err)
	}
}
