package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/forms"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

// Test forms: a cross-origin JSON form and a plain HTML form with a thank-you page.
const (
	jsonFormKey = "fk_json_form_0001"
	htmlFormKey = "fk_html_form_0002"
	slowFormKey = "fk_slow_form_0003"
	allowed     = "https://www.example.com"
	thankYou    = "https://www.example.com/thanks"
)

var signingKey = []byte("0123456789abcdef0123456789abcdef")

// recordingStarter stands in for the workflow boundary: it records the submissions it was
// asked to start and can be made to fail.
type recordingStarter struct {
	mu   sync.Mutex
	ids  []string
	fail error
}

func (s *recordingStarter) Start(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, id)
	return s.fail
}

func (s *recordingStarter) started() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ids...)
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer collects log output written from handler goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// api is one running handler with its store, starter, clock and log, and the OpenAPI router
// every exchange is checked against.
type api struct {
	t       *testing.T
	srv     *httptest.Server
	store   store.Store
	starter *recordingStarter
	clock   *clock
	logs    *syncBuffer
	router  routers.Router
	client  *http.Client
	// bases are the configured base paths, stripped before routes are looked up in the
	// document, whose server is the base path.
	bases []string
}

type option func(*Config, *Deps)

func newAPI(t *testing.T, opts ...option) *api {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src, err := forms.NewStatic([]forms.Form{
		{Key: jsonFormKey, Name: "JSON form", AllowedOrigins: []string{allowed}},
		{Key: htmlFormKey, Name: "HTML form", ThankYouURL: thankYou},
		{Key: slowFormKey, Name: "Slow form", RateLimitPerMinute: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := &api{
		t: t, store: st, starter: &recordingStarter{},
		clock: &clock{now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)},
		logs:  &syncBuffer{},
	}
	cfg := Config{}
	deps := Deps{
		Store: st, Starter: a.starter, Forms: src,
		Auth:   auth.NewLocal(signingKey, nil),
		Clock:  a.clock.Now,
		Logger: slog.New(slog.NewJSONHandler(a.logs, nil)),
	}
	for _, o := range opts {
		o(&cfg, &deps)
	}
	a.bases = cfg.BasePaths
	a.srv = httptest.NewServer(New(cfg, deps))
	t.Cleanup(a.srv.Close)
	a.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.router, err = legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// docAgrees says what the OpenAPI document must make of a request: accept it, reject it (a
// request the API answers 400, 413 or 415 for shape reasons), or not know its route at all.
type docAgrees int

const (
	docAccepts docAgrees = iota
	docRejects
	docNoRoute
	// docCannotTell: the request breaks a rule below what a schema states (such as data
	// after the JSON value, which the document's decoder ignores).
	docCannotTell
)

func init() {
	// The error and thank-you pages of plain HTML forms are described as strings.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends req, checking the request against the OpenAPI document as want says and the
// response against it always.
func (a *api) do(req *http.Request, want docAgrees) response {
	a.t.Helper()
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))

	// The document's server is "/", so routes are found on the path alone.
	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	vreq.URL.Scheme, vreq.URL.Host, vreq.Host = "", "", ""
	for _, b := range a.bases {
		b = "/" + strings.Trim(b, "/")
		if strings.HasPrefix(vreq.URL.Path, b+"/") {
			vreq.URL.Path = strings.TrimPrefix(vreq.URL.Path, b)
			vreq.URL.RawPath = ""
		}
	}
	route, params, err := a.router.FindRoute(vreq)
	if want == docNoRoute {
		if err == nil {
			a.t.Errorf("%s %s: the OpenAPI document has a route the API does not", req.Method, req.URL.Path)
		}
		return a.send(req)
	}
	if err != nil {
		a.t.Fatalf("%s %s: no route in the OpenAPI document: %v", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true},
	}
	verr := openapi3filter.ValidateRequest(context.Background(), in)
	if want == docAccepts && verr != nil {
		a.t.Errorf("%s %s: request does not match the OpenAPI document: %v", req.Method, req.URL.Path, verr)
	}
	if want == docRejects && verr == nil {
		a.t.Errorf("%s %s: the OpenAPI document accepts a request the API refuses", req.Method, req.URL.Path)
	}

	resp := a.send(req)
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.status, Header: resp.header,
		Body:    io.NopCloser(bytes.NewReader(resp.body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
		var se *openapi3.SchemaError
		detail := err.Error()
		if errors.As(err, &se) {
			detail = se.Error()
		}
		a.t.Errorf("%s %s -> %d: response does not match the OpenAPI document: %s\nbody: %s", req.Method, req.URL.Path, resp.status, detail, resp.body)
	}
	return resp
}

func (a *api) send(req *http.Request) response {
	a.t.Helper()
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func (a *api) request(method, path, contentType, body string, headers ...string) *http.Request {
	a.t.Helper()
	var rd io.Reader
	if body != "" || method == http.MethodPost {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

func (a *api) staffToken(subject string) string {
	a.t.Helper()
	tok, err := auth.Mint(signingKey, subject, time.Hour)
	if err != nil {
		a.t.Fatal(err)
	}
	return tok
}
