// Package lambdatest runs Lambda function binaries as Lambda runs them: a process whose
// AWS_LAMBDA_RUNTIME_API points at a test server that hands out events and collects answers.
package lambdatest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const apiPrefix = "/2018-06-01/runtime/"

// FunctionError is the error document a function posts to init/error or invocation/{id}/error.
type FunctionError struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
	// HeaderType is the Lambda-Runtime-Function-Error-Type header, when the function sent one.
	HeaderType string `json:"-"`
}

// Result is the outcome of one invocation: a response body, or the function's error.
type Result struct {
	RequestID string
	Response  json.RawMessage
	Err       *FunctionError
}

type invocation struct {
	id      string
	payload []byte
	done    chan Result
}

// Server implements the Runtime API for one function process.
type Server struct {
	// Addr is host:port, the value of AWS_LAMBDA_RUNTIME_API.
	Addr string
	// FunctionARN is sent as Lambda-Runtime-Invoked-Function-Arn.
	FunctionARN string
	// Timeout sets each invocation's deadline (Lambda-Runtime-Deadline-Ms).
	Timeout time.Duration

	srv     *http.Server
	queue   chan *invocation
	seq     atomic.Int64
	mu      sync.Mutex
	pending map[string]*invocation
	// polled is closed at the function's first call to invocation/next: init is over.
	polled     chan struct{}
	pollOnce   sync.Once
	initErr    chan FunctionError
	initErrMsg sync.Once
}

// NewServer starts a Runtime API on a free loopback port.
func NewServer(functionARN string, timeout time.Duration) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		Addr: ln.Addr().String(), FunctionARN: functionARN, Timeout: timeout,
		queue: make(chan *invocation), pending: map[string]*invocation{},
		polled: make(chan struct{}), initErr: make(chan FunctionError, 1),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+apiPrefix+"invocation/next", s.next)
	mux.HandleFunc("POST "+apiPrefix+"invocation/{id}/response", s.response)
	mux.HandleFunc("POST "+apiPrefix+"invocation/{id}/error", s.invocationError)
	mux.HandleFunc("POST "+apiPrefix+"init/error", s.initError)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server; a function still polling sees its connection close.
func (s *Server) Close() error { return s.srv.Close() }

func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	s.pollOnce.Do(func() { close(s.polled) })
	select {
	case inv := <-s.queue:
		deadline := time.Now().Add(s.Timeout)
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", s.FunctionARN)
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(inv.payload)
	case <-r.Context().Done():
	}
}

func (s *Server) take(w http.ResponseWriter, r *http.Request) (*invocation, []byte, bool) {
	id := r.PathValue("id")
	s.mu.Lock()
	inv := s.pending[id]
	delete(s.pending, id)
	s.mu.Unlock()
	if inv == nil {
		http.Error(w, `{"errorType":"InvalidRequestID","errorMessage":"unknown request ID"}`, http.StatusBadRequest)
		return nil, nil, false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, nil, false
	}
	return inv, body, true
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	inv, body, ok := s.take(w, r)
	if !ok {
		return
	}
	w.WriteHeader(http.StatusAccepted)
	inv.done <- Result{RequestID: inv.id, Response: body}
}

func (s *Server) invocationError(w http.ResponseWriter, r *http.Request) {
	inv, body, ok := s.take(w, r)
	if !ok {
		return
	}
	fe := decodeError(body, r.Header)
	w.WriteHeader(http.StatusAccepted)
	inv.done <- Result{RequestID: inv.id, Err: &fe}
}

func (s *Server) initError(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fe := decodeError(body, r.Header)
	w.WriteHeader(http.StatusAccepted)
	s.initErrMsg.Do(func() { s.initErr <- fe })
}

// decodeError reads an error document; one that does not decode keeps its raw text as the
// message, with an empty type, so a test sees what the function sent.
func decodeError(body []byte, h http.Header) FunctionError {
	var fe FunctionError
	if err := json.Unmarshal(body, &fe); err != nil {
		fe = FunctionError{ErrorMessage: string(body)}
	}
	fe.HeaderType = h.Get("Lambda-Runtime-Function-Error-Type")
	return fe
}

// Process is a function binary running against a Server.
type Process struct {
	Server *Server
	cmd    *exec.Cmd
	exited chan struct{}
	output *bytes.Buffer
	mu     *sync.Mutex
}

// Start runs the binary with exactly env (plus AWS_LAMBDA_RUNTIME_API) against a new Server.
func Start(binary string, env []string, functionARN string, timeout time.Duration) (*Process, error) {
	srv, err := NewServer(functionARN, timeout)
	if err != nil {
		return nil, err
	}
	out := &lockedBuffer{}
	cmd := exec.Command(binary)
	cmd.Env = append(append([]string(nil), env...), "AWS_LAMBDA_RUNTIME_API="+srv.Addr)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		srv.Close()
		return nil, err
	}
	p := &Process{Server: srv, cmd: cmd, exited: make(chan struct{}), output: &out.buf, mu: &out.mu}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// ErrExited means the function process ended while it was expected to answer.
var ErrExited = errors.New("function process exited")

// Ready waits until the function asks for its first event (init succeeded) or reports an init
// error, and returns that error; a process that exits without either is ErrExited.
func (p *Process) Ready(ctx context.Context) (*FunctionError, error) {
	select {
	case <-p.Server.polled:
		return nil, nil
	case fe := <-p.Server.initErr:
		return &fe, nil
	case <-p.exited:
		select {
		case fe := <-p.Server.initErr:
			return &fe, nil
		default:
		}
		return nil, fmt.Errorf("%w before asking for an event (exit code %d)", ErrExited, p.cmd.ProcessState.ExitCode())
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Invoke hands the function one event and waits for its answer.
func (p *Process) Invoke(ctx context.Context, event []byte) (Result, error) {
	inv := &invocation{
		id:      fmt.Sprintf("00000000-0000-4000-8000-%012d", p.Server.seq.Add(1)),
		payload: event,
		done:    make(chan Result, 1),
	}
	p.Server.mu.Lock()
	p.Server.pending[inv.id] = inv
	p.Server.mu.Unlock()
	select {
	case p.Server.queue <- inv:
	case <-p.exited:
		return Result{}, ErrExited
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	select {
	case res := <-inv.done:
		return res, nil
	case <-p.exited:
		return Result{}, fmt.Errorf("%w during invocation %s", ErrExited, inv.id)
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// Exited reports whether the process has ended, and its exit code if so.
func (p *Process) Exited(wait time.Duration) (bool, int) {
	select {
	case <-p.exited:
		return true, p.cmd.ProcessState.ExitCode()
	case <-time.After(wait):
		return false, 0
	}
}

// Output is what the function wrote to stdout and stderr so far.
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

// Stop kills the function, as Lambda freezes and later discards an environment.
func (p *Process) Stop() {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(os.Kill)
		<-p.exited
	}
	p.Server.Close()
}

// Env turns a map into KEY=VALUE pairs.
func Env(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

// TrimOutput shortens function output for a test message.
func TrimOutput(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
