package httpapi

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/forms"
)

// bearer returns the token of an "Authorization: Bearer" header and whether one was sent.
func bearer(r *http.Request) (string, bool) {
	v := r.Header.Get("Authorization")
	if v == "" {
		return "", false
	}
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", true
	}
	return strings.TrimSpace(token), true
}

// authenticate checks a bearer token; ok is false when it has already answered 401 or 403.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request, m mode) (auth.Principal, bool) {
	token, sent := bearer(r)
	if !sent {
		w.Header().Set("WWW-Authenticate", `Bearer realm="intake"`)
		h.fail(w, r, m, probUnauthorized, "A staff bearer token is required.", "需要工作人员的访问令牌。", nil)
		return auth.Principal{}, false
	}
	var p auth.Principal
	err := auth.ErrInvalidToken
	if token != "" && h.deps.Auth != nil {
		p, err = h.deps.Auth.Verify(r.Context(), token)
	}
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="intake", error="invalid_token"`)
		h.fail(w, r, m, probUnauthorized, "The bearer token is not valid.", "访问令牌无效。", nil)
		return auth.Principal{}, false
	}
	if !p.Staff {
		w.Header().Set("WWW-Authenticate", `Bearer realm="intake", error="insufficient_scope"`)
		h.fail(w, r, m, probForbidden, "The token does not grant staff access.", "该令牌没有工作人员权限。", nil)
		return auth.Principal{}, false
	}
	return p, true
}

// staff guards a route that only staff may use.
func (h *handler) staff(next func(http.ResponseWriter, *http.Request, auth.Principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := h.authenticate(w, r, modeJSON)
		if !ok {
			return
		}
		next(w, r, p)
	}
}

// public marks a route browsers may call from the forms' allowed origins: it answers with the
// CORS headers for an allowed origin. Whether a cross-origin post is accepted is the route's call.
func (h *handler) public(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		if origin := r.Header.Get("Origin"); origin != "" && !h.sameOrigin(r, origin) && h.anyFormAllows(r, origin) {
			setCORS(w, origin)
		}
		next(w, r)
	}
}

func setCORS(w http.ResponseWriter, origin string) {
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Expose-Headers", "Location, Retry-After, X-Request-Id")
}

// preflight answers a CORS preflight. It cannot know the form (the key travels in the actual
// request), so it admits an origin any form allows; the post is then checked against its form.
func (h *handler) preflight(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Origin")
	w.Header().Add("Vary", "Access-Control-Request-Method")
	w.Header().Add("Vary", "Access-Control-Request-Headers")
	origin := r.Header.Get("Origin")
	if origin != "" && h.anyFormAllows(r, origin) {
		setCORS(w, origin)
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type, X-Form-Key, Idempotency-Key")
		w.Header().Set("Access-Control-Max-Age", "600")
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *handler) anyFormAllows(r *http.Request, origin string) bool {
	list, err := h.deps.Forms.Forms(r.Context())
	if err != nil {
		return false
	}
	for _, f := range list {
		if f.AllowsOrigin(origin) {
			return true
		}
	}
	return false
}

// sameOrigin tells whether origin is the API's own origin: the host the request was sent to,
// or the configured public base URL's.
func (h *handler) sameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if h.cfg.PublicBaseURL != "" {
		if pub, err := url.Parse(h.cfg.PublicBaseURL); err == nil && strings.EqualFold(pub.Host, u.Host) {
			return true
		}
	}
	return false
}

// findForm resolves the form a public submission names; ok is false when it has answered.
func (h *handler) findForm(w http.ResponseWriter, r *http.Request, m mode, key string) (forms.Form, bool) {
	if key == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="intake"`)
		h.fail(w, r, m, probUnauthorized, "Name the form in the X-Form-Key header or the _form field, or send a staff token.", "请在 X-Form-Key 请求头或 _form 字段中提供表单标识，或提供工作人员令牌。", nil)
		return forms.Form{}, false
	}
	f, err := h.deps.Forms.Find(r.Context(), key)
	if errors.Is(err, forms.ErrUnknownForm) {
		h.fail(w, r, m, probForbidden, "The form key is not known.", "表单标识无效。", nil)
		return forms.Form{}, false
	}
	if err != nil {
		h.internal(w, r, m, "find form", err)
		return forms.Form{}, false
	}
	return f, true
}

// clientIP is the address rate limits are kept by.
func (h *handler) clientIP(r *http.Request) string {
	if h.cfg.TrustForwardedFor {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); ip != "" {
				return ip
			}
		}
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
