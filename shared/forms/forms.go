// Package forms holds the configuration of the public intake forms: each form's key, the
// origins allowed to post to it, its thank-you page, rate limit and honeypot field.
package forms

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// ErrUnknownForm: no form has the key asked for.
var ErrUnknownForm = errors.New("unknown form")

// DefaultHoneypot is the honeypot field name when a form names none.
const DefaultHoneypot = "website"

// Form is one public intake form.
type Form struct {
	// Key identifies the form in X-Form-Key or the _form field. It is published in the form's
	// page, so it names the form rather than authenticating it.
	Key  string `json:"key"`
	Name string `json:"name"`
	// AllowedOrigins are the origins (scheme://host[:port]) that may post cross-origin.
	AllowedOrigins []string `json:"allowedOrigins,omitempty"`
	// ThankYouURL is where a plain HTML form post is sent (303) once stored.
	ThankYouURL string `json:"thankYouUrl,omitempty"`
	// RateLimitPerMinute is the posts one client may make per minute; 0 takes the API default.
	RateLimitPerMinute int `json:"rateLimitPerMinute,omitempty"`
	// Honeypot names a field real users leave empty; DefaultHoneypot when empty.
	Honeypot string `json:"honeypot,omitempty"`
}

// HoneypotField is the form's honeypot field name.
func (f Form) HoneypotField() string {
	if f.Honeypot == "" {
		return DefaultHoneypot
	}
	return f.Honeypot
}

// AllowsOrigin tells whether origin may post to the form cross-origin.
func (f Form) AllowsOrigin(origin string) bool {
	for _, o := range f.AllowedOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// Source lists the configured forms and finds one by key.
type Source interface {
	Forms(ctx context.Context) ([]Form, error)
	// Find returns the form with key, or an error wrapping ErrUnknownForm.
	Find(ctx context.Context, key string) (Form, error)
}

// File is the JSON document that configures forms, in a file or an environment variable.
type File struct {
	Forms []Form `json:"forms"`
}

// Static is a Source over a fixed list of forms.
type Static struct {
	forms []Form
}

// NewStatic checks forms and returns a Source over them.
func NewStatic(forms []Form) (*Static, error) {
	seen := map[string]bool{}
	for i, f := range forms {
		if err := check(f); err != nil {
			return nil, fmt.Errorf("form %d: %w", i, err)
		}
		if seen[f.Key] {
			return nil, fmt.Errorf("form %d: key used twice", i)
		}
		seen[f.Key] = true
	}
	return &Static{forms: append([]Form(nil), forms...)}, nil
}

func check(f Form) error {
	if len(f.Key) < 8 || strings.ContainsAny(f.Key, " \t\r\n") {
		return errors.New("key must be at least 8 characters without spaces")
	}
	if f.RateLimitPerMinute < 0 {
		return errors.New("rateLimitPerMinute must not be negative")
	}
	for _, o := range f.AllowedOrigins {
		if o == "*" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return fmt.Errorf("allowed origin %q is not scheme://host[:port]", o)
		}
	}
	if f.ThankYouURL != "" {
		u, err := url.Parse(f.ThankYouURL)
		if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("thank-you URL %q is not an http(s) URL or a path", f.ThankYouURL)
		}
	}
	return nil
}

// Forms implements Source.
func (s *Static) Forms(context.Context) ([]Form, error) {
	return append([]Form(nil), s.forms...), nil
}

// Find implements Source.
func (s *Static) Find(_ context.Context, key string) (Form, error) {
	for _, f := range s.forms {
		if f.Key == key {
			return f, nil
		}
	}
	return Form{}, ErrUnknownForm
}

// Parse reads a forms document: {"forms": [...]}. Lambda functions take it from an
// environment variable.
func Parse(data []byte) (*Static, error) {
	var doc File
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse forms: %w", err)
	}
	s, err := NewStatic(doc.Forms)
	if err != nil {
		return nil, fmt.Errorf("parse forms: %w", err)
	}
	return s, nil
}

// LoadOrCreate reads the forms file at path. When there is none, it writes one with a single
// form, "Default form", under a new random key, sending posters to DefaultThankYouURL.
func LoadOrCreate(path string) (*Static, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		s, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return s, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load forms: %w", err)
	}
	key, err := NewKey()
	if err != nil {
		return nil, fmt.Errorf("create forms: %w", err)
	}
	doc := File{Forms: []Form{{Key: key, Name: "Default form", ThankYouURL: DefaultThankYouURL}}}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("create forms: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create forms: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreate(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create forms: %w", err)
	}
	if _, err := f.Write(append(out, '\n')); err != nil {
		f.Close()
		return nil, fmt.Errorf("create forms: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("create forms: %w", err)
	}
	return NewStatic(doc.Forms)
}

// DefaultThankYouURL is the thank-you page of the form LoadOrCreate makes; `intake serve`
// serves it from web/.
const DefaultThankYouURL = "/thanks.html"

// NewKey returns a random form key: "fk_" and 128 random bits, URL-safe.
func NewKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "fk_" + base64.RawURLEncoding.EncodeToString(b), nil
}
