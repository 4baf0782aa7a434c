package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// End-to-end tests: the real intake binary, serving on a free port, driven over HTTP.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// intakeBinary builds the command once per test run.
func intakeBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "intake-e2e-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "intake")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

type server struct {
	t     *testing.T
	cmd   *exec.Cmd
	base  string
	data  string
	token string
	form  string
	logs  *bytes.Buffer
}

// startServer runs `intake serve` on a free port over the data folder and waits until it
// prints its address.
func startServer(t *testing.T, data string) *server {
	t.Helper()
	return startCommand(t, exec.Command(intakeBinary(t), "serve", "--addr", "127.0.0.1:0", "--data", data), data)
}

// startCommand starts a prepared `intake serve` command and reads its announcements.
func startCommand(t *testing.T, cmd *exec.Cmd, data string) *server {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, data: data, logs: logs}
	t.Cleanup(func() { s.stop() })
	lines := bufio.NewScanner(stdout)
	deadline := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for lines.Scan() {
		line := lines.Text()
		if rest, ok := strings.CutPrefix(line, "intake is serving on "); ok {
			s.base, _, _ = strings.Cut(rest, " ")
		}
		if strings.HasPrefix(line, "Staff token") && lines.Scan() {
			s.token = lines.Text()
		}
		if rest, ok := strings.CutPrefix(line, "Intake form: "); ok {
			u, _ := url.Parse(rest)
			s.form = u.Query().Get("form")
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if s.base == "" || s.token == "" || s.form == "" {
		t.Fatalf("serve did not announce its address, token and form; logs:\n%s", logs)
	}
	return s
}

// stop sends SIGTERM and waits for a graceful exit.
func (s *server) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			s.t.Errorf("serve exited with %v; logs:\n%s", err, s.logs)
		}
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		s.t.Errorf("serve did not stop within 30s of SIGTERM")
	}
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (s *server) do(method, path string, body []byte, header map[string]string) response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (s *server) postJSON(body string, header map[string]string) response {
	h := map[string]string{"Content-Type": "application/json", "X-Form-Key": s.form}
	for k, v := range header {
		h[k] = v
	}
	return s.do("POST", "/v1/submissions", []byte(body), h)
}

// waitStatus polls a submission until it leaves RECEIVED.
func (s *server) waitStatus(id string) response {
	s.t.Helper()
	for range 200 {
		r := s.do("GET", "/v1/submissions/"+id, nil, nil)
		if r.status != http.StatusOK {
			s.t.Fatalf("status of %s: HTTP %d %s", id, r.status, r.raw)
		}
		if r.body["status"] != "RECEIVED" {
			return r
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("submission %s still RECEIVED", id)
	return response{}
}

const validJSON = `{"channel":"web_form","kind":"person","person":{"name":"张三","phones":["13800138000"]},"consent":{"purposes":["service"],"givenAt":"2026-01-01T10:00:00Z"}}`

func TestServeFilesJSONSubmissionsAndShowsTheOutcome(t *testing.T) {
	s := startServer(t, t.TempDir())
	r := s.postJSON(validJSON, nil)
	if r.status != http.StatusAccepted {
		t.Fatalf("POST: HTTP %d %s", r.status, r.raw)
	}
	id, _ := r.body["id"].(string)
	st := s.waitStatus(id)
	if st.body["status"] != "FILED" || st.body["customerId"] == nil || st.body["scores"] == nil {
		t.Fatalf("status = %s, want FILED with a customer and scores", st.raw)
	}
	if bytes.Contains(st.raw, []byte("13800138000")) || bytes.Contains(st.raw, []byte("张三")) {
		t.Fatal("the public status shows personal data")
	}
	cust := s.do("GET", "/v1/customers/"+st.body["customerId"].(string), nil, map[string]string{"Authorization": "Bearer " + s.token})
	if cust.status != http.StatusOK || !bytes.Contains(cust.raw, []byte("+8613800138000")) {
		t.Fatalf("staff customer view: HTTP %d %s", cust.status, cust.raw)
	}
}

func TestServeFilesPlainHTMLFormPosts(t *testing.T) {
	s := startServer(t, t.TempDir())
	form := url.Values{
		"_form": {s.form}, "channel": {"web_form"}, "kind": {"person"},
		"person.name": {"李四"}, "person.phones": {"13900139000"},
		"consent.purposes": {"service"}, "consent.givenAt": {"2026-01-01T10:00:00Z"},
	}
	r := s.do("POST", "/v1/submissions", []byte(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/thanks.html" {
		t.Fatalf("form post: HTTP %d Location %q %s", r.status, r.header.Get("Location"), r.raw)
	}
	if thanks := s.do("GET", "/thanks.html", nil, nil); thanks.status != http.StatusOK {
		t.Fatalf("thank-you page: HTTP %d", thanks.status)
	}
	// The form post was stored and filed: the staff's export names one customer.
	s.stop()
	out, err := exec.Command(intakeBinary(t), "export", "links", "--data", s.data).Output()
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(strings.TrimSpace(string(out)), "\n"); rows != 1 || !strings.Contains(string(out), ",NEW") {
		t.Fatalf("links export:\n%s\nwant one filed submission", out)
	}
}

func TestServeReportsFieldErrorsAtTheirPaths(t *testing.T) {
	s := startServer(t, t.TempDir())
	r := s.postJSON(`{"channel":"web_form","kind":"person","person":{"name":"张三","phones":["12345"],"idDocument":{"type":"cn_resident_id","number":"110105194912310021"}},"religion":"x"}`, nil)
	if r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
		t.Fatalf("HTTP %d, want 400 or 422: %s", r.status, r.raw)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type %q, want problem+json", ct)
	}
	paths := map[string]bool{}
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		m := e.(map[string]any)
		paths[m["path"].(string)] = true
		if m["message"] == "" || m["messageZh"] == "" {
			t.Errorf("error %v lacks a message in both languages", m)
		}
	}
	if !paths["religion"] {
		t.Errorf("paths %v: the unrelated sensitive field was not refused", paths)
	}
	r = s.postJSON(`{"channel":"web_form","kind":"person","person":{"name":"张三","phones":["12345"],"idDocument":{"type":"cn_resident_id","number":"110105194912310021"}}}`, nil)
	paths = map[string]bool{}
	errs, _ = r.body["errors"].([]any)
	for _, e := range errs {
		paths[e.(map[string]any)["path"].(string)] = true
	}
	for _, want := range []string{"person.phones[0]", "person.idDocument.number", "consent"} {
		if !paths[want] {
			t.Errorf("HTTP %d paths %v: missing %s", r.status, paths, want)
		}
	}
}

func TestServeIdempotencyKeys(t *testing.T) {
	s := startServer(t, t.TempDir())
	first := s.postJSON(validJSON, map[string]string{"Idempotency-Key": "order-1"})
	again := s.postJSON(validJSON, map[string]string{"Idempotency-Key": "order-1"})
	if first.status != http.StatusAccepted || again.status != http.StatusAccepted || first.body["id"] != again.body["id"] {
		t.Fatalf("replay: %d %s / %d %s, want the same 202", first.status, first.raw, again.status, again.raw)
	}
	other := s.postJSON(strings.Replace(validJSON, "13800138000", "13800138001", 1), map[string]string{"Idempotency-Key": "order-1"})
	if other.status != http.StatusConflict {
		t.Fatalf("same key, other body: HTTP %d, want 409", other.status)
	}
}

func TestServeGuardsStaffRoutesAndLimits(t *testing.T) {
	s := startServer(t, t.TempDir())
	if r := s.do("GET", "/v1/customers/01m82qadbq2s09k3rpcjvhzazt", nil, nil); r.status != http.StatusUnauthorized {
		t.Errorf("no token: HTTP %d, want 401", r.status)
	}
	if r := s.do("GET", "/v1/customers/01m82qadbq2s09k3rpcjvhzazt", nil, map[string]string{"Authorization": "Bearer not-a-token"}); r.status != http.StatusUnauthorized {
		t.Errorf("bad token: HTTP %d, want 401", r.status)
	}
	minted, err := exec.Command(intakeBinary(t), "token", "--data", s.data).Output()
	if err != nil {
		t.Fatal(err)
	}
	if r := s.do("GET", "/v1/customers/01m82qadbq2s09k3rpcjvhzazt", nil, map[string]string{"Authorization": "Bearer " + strings.TrimSpace(string(minted))}); r.status != http.StatusNotFound {
		t.Errorf("token from `intake token`: HTTP %d, want 404 for an unknown customer", r.status)
	}
	if r := s.postJSON(`{"channel":"web_form","person":{"name":"`+strings.Repeat("x", 300<<10)+`"}}`, nil); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: HTTP %d, want 413", r.status)
	}
	if r := s.do("POST", "/v1/submissions", []byte("name=x"), map[string]string{"Content-Type": "text/plain", "X-Form-Key": s.form}); r.status != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: HTTP %d, want 415", r.status)
	}
	limited := false
	for i := range 40 {
		r := s.postJSON(strings.Replace(validJSON, "13800138000", fmt.Sprintf("138001%05d", i), 1), nil)
		if r.status == http.StatusTooManyRequests {
			limited = r.header.Get("Retry-After") != ""
			break
		}
	}
	if !limited {
		t.Error("40 posts in a row were never limited with 429 and Retry-After")
	}
}

func TestServeResumesUnfinishedWorkAndKeepsDataAcrossRestarts(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	r := s.postJSON(validJSON, nil)
	id, _ := r.body["id"].(string)
	s.waitStatus(id)
	s.stop()

	s = startServer(t, data)
	st := s.waitStatus(id)
	if st.body["status"] != "FILED" {
		t.Fatalf("after restart: %s, want FILED", st.raw)
	}
}
