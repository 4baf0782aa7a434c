// Package httpapi is the intake HTTP API as a net/http handler: routes, staff and form access,
// limits, idempotency, problem+json errors and the OpenAPI document that describes them.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/forms"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/ids"
	"github.com/intake-project/intake/shared/scanstore"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/validate"
)

// Starter starts the workflow for a stored submission. Starting one twice must be harmless.
type Starter interface {
	Start(ctx context.Context, submissionID string) error
}

// Redriver is a Starter that must name a re-driven submission's execution anew: Step
// Functions keeps execution names for 90 days, so the first name cannot start a second run.
// attempt grows with every re-drive of one submission.
type Redriver interface {
	Redrive(ctx context.Context, submissionID string, attempt int64) error
}

// Deps are the handler's collaborators.
type Deps struct {
	Store   store.Store
	Starter Starter
	Forms   forms.Source
	// Auth verifies staff bearer tokens; nil refuses every token.
	Auth auth.Verifier
	// Clock, Logger and NewID default to time.Now, slog.Default and ids.New.
	Clock  func() time.Time
	Logger *slog.Logger
	NewID  func() string
	// Rules are the site's validation rules (vocabularies, phone region); Now is set per request.
	Rules validate.Rules
	// Policy is the hygiene policy consent withdrawals, relationship ends and merges set due
	// dates under; Scorer rescores merged customers. They default to hygiene.DefaultPolicy()
	// and score.Default().
	Policy *hygiene.Policy
	Scorer *score.Engine
	// Images keeps the images of card scans; nil keeps none (an image still confirms the card).
	Images scanstore.Store
}

// Config holds the handler's limits and addressing; zero fields take the defaults below.
type Config struct {
	// MaxBodyBytes caps a request body (413 beyond). Default 256 KiB.
	MaxBodyBytes int64
	// MaxDepth, MaxArrayLen and MaxStringBytes bound the JSON structure of a submission,
	// checked before it is decoded. Defaults 8, 50 and 4096.
	MaxDepth       int
	MaxArrayLen    int
	MaxStringBytes int
	// RateLimitPerMinute is the posts one client may make to one form per minute when the
	// form sets no limit of its own. Default 30.
	RateLimitPerMinute int
	// BasePaths are path prefixes stripped before routing: an API Gateway stage ("/prod") or a
	// custom domain's API mapping ("/intake"). A prefix is stripped only at a segment boundary.
	BasePaths []string
	// PublicBaseURL, when set, prefixes the status URLs the API hands out
	// (e.g. https://api.example.com/intake); otherwise they are paths under the request's base path.
	PublicBaseURL string
	// TrustForwardedFor takes the client address for rate limiting from the last
	// X-Forwarded-For entry, for deployments behind one reverse proxy.
	TrustForwardedFor bool
}

// Defaults for Config.
const (
	DefaultMaxBodyBytes       = 256 << 10
	DefaultMaxDepth           = 8
	DefaultMaxArrayLen        = 50
	DefaultMaxStringBytes     = 4 << 10
	DefaultRateLimitPerMinute = 30
)

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	if c.MaxArrayLen <= 0 {
		c.MaxArrayLen = DefaultMaxArrayLen
	}
	if c.MaxStringBytes <= 0 {
		c.MaxStringBytes = DefaultMaxStringBytes
	}
	if c.RateLimitPerMinute <= 0 {
		c.RateLimitPerMinute = DefaultRateLimitPerMinute
	}
	var bases []string
	for _, b := range c.BasePaths {
		b = "/" + strings.Trim(b, "/")
		if b != "/" {
			bases = append(bases, b)
		}
	}
	c.BasePaths = bases
	c.PublicBaseURL = strings.TrimSuffix(c.PublicBaseURL, "/")
	return c
}

type handler struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	mux     *http.ServeMux
	limiter *limiter
}

// New returns the API handler. Store and Starter are required; without Forms no public form
// is accepted.
func New(cfg Config, deps Deps) http.Handler {
	if deps.Store == nil || deps.Starter == nil {
		panic("httpapi: New needs a Store and a Starter")
	}
	if deps.Forms == nil {
		deps.Forms, _ = forms.NewStatic(nil)
	}
	cfg = cfg.withDefaults()
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.NewID == nil {
		clock := deps.Clock
		deps.NewID = func() string { return ids.New(clock()) }
	}
	h := &handler{cfg: cfg, deps: deps, log: deps.Logger, mux: http.NewServeMux(), limiter: newLimiter(deps.Clock)}

	h.mux.HandleFunc("POST /v1/submissions", h.public(h.submit))
	h.mux.HandleFunc("OPTIONS /v1/submissions", h.preflight)
	h.mux.HandleFunc("GET /v1/submissions/{id}", h.public(h.submissionStatus))
	h.mux.HandleFunc("OPTIONS /v1/submissions/{id}", h.preflight)
	h.mux.HandleFunc("GET /v1/customers/{id}", h.staff(h.customer))
	h.registerStaff()
	h.registerCards()
	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.HandleFunc("GET /openapi.json", h.openapi)
	for path, allow := range map[string]string{
		"/v1/submissions":      "POST, OPTIONS",
		"/v1/submissions/{id}": "GET, HEAD, OPTIONS",
		"/v1/customers/{id}":   "GET, HEAD",
		"/healthz":             "GET, HEAD",
		"/openapi.json":        "GET, HEAD",
	} {
		h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeProblem(w, r, probMethod, "This route does not take "+r.Method+".", "该路径不支持此请求方法。", nil)
		})
	}
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, probNotFound, "No such route.", "没有这个路径。", nil)
	})
	return h
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyBasePath
)

func requestID(ctx context.Context) string {
	s, _ := ctx.Value(keyRequestID).(string)
	return s
}

func basePath(ctx context.Context) string {
	s, _ := ctx.Value(keyBasePath).(string)
	return s
}

// ServeHTTP strips the base path, tags the request with an ID, routes it, and logs one line
// with the route pattern (never the raw path or query, which may carry data) and the status.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.deps.Clock()
	id := r.Header.Get("X-Request-Id")
	if !validRequestID(id) {
		id = h.deps.NewID()
	}
	w.Header().Set("X-Request-Id", id)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	ctx := context.WithValue(r.Context(), keyRequestID, id)

	r2 := r.Clone(ctx)
	for _, base := range h.cfg.BasePaths {
		if rest, ok := stripBase(r2.URL.Path, base); ok {
			r2.URL.Path = rest
			if r2.URL.RawPath != "" {
				if rawRest, ok := stripBase(r2.URL.RawPath, base); ok {
					r2.URL.RawPath = rawRest
				} else {
					r2.URL.RawPath = ""
				}
			}
			r2 = r2.WithContext(context.WithValue(ctx, keyBasePath, base))
			break
		}
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	h.mux.ServeHTTP(rec, r2)
	h.log.LogAttrs(ctx, slog.LevelInfo, "request",
		slog.String("requestId", id),
		slog.String("method", r.Method),
		slog.String("route", r2.Pattern),
		slog.Int("status", rec.status),
		slog.Duration("duration", h.deps.Clock().Sub(start)),
	)
}

func stripBase(path, base string) (string, bool) {
	if path == base {
		return "/", true
	}
	if strings.HasPrefix(path, base+"/") {
		return path[len(base):], true
	}
	return "", false
}

func validRequestID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		// Letters, digits and the punctuation of UUIDs and base64 (API Gateway's request IDs).
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.=+/", c)) {
			return false
		}
	}
	return true
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// statusURL is where a client polls a submission: under PublicBaseURL when configured,
// otherwise under the base path the request came in on.
func (h *handler) statusURL(r *http.Request, id string) string {
	prefix := h.cfg.PublicBaseURL
	if prefix == "" {
		prefix = basePath(r.Context())
	}
	return prefix + "/v1/submissions/" + id
}
