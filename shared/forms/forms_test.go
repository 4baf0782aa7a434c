package forms

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadOrCreateWritesDefaultFormOnceWithRandomKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "forms.json")
	s, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := s.Forms(context.Background())
	if len(list) != 1 || !strings.HasPrefix(list[0].Key, "fk_") || list[0].ThankYouURL != DefaultThankYouURL {
		t.Fatalf("default forms = %+v", list)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("forms file mode = %v, want 0600", fi.Mode().Perm())
	}
	again, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	list2, _ := again.Forms(context.Background())
	if list2[0].Key != list[0].Key {
		t.Error("reloading changed the form key")
	}
	other, _ := LoadOrCreate(filepath.Join(t.TempDir(), "forms.json"))
	list3, _ := other.Forms(context.Background())
	if list3[0].Key == list[0].Key {
		t.Error("two data dirs got the same form key")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{"valid", `{"forms":[{"key":"contact-2026","name":"Contact","allowedOrigins":["https://www.example.com"],"thankYouUrl":"https://www.example.com/thanks","rateLimitPerMinute":10}]}`, ""},
		{"unknown field", `{"forms":[{"key":"contact-2026","colour":"red"}]}`, "unknown field"},
		{"short key", `{"forms":[{"key":"abc"}]}`, "at least 8"},
		{"duplicate key", `{"forms":[{"key":"contact-2026"},{"key":"contact-2026"}]}`, "twice"},
		{"origin with path", `{"forms":[{"key":"contact-2026","allowedOrigins":["https://x.example/form"]}]}`, "scheme://host"},
		{"javascript thank-you URL", `{"forms":[{"key":"contact-2026","thankYouUrl":"javascript:alert(1)"}]}`, "thank-you"},
		{"negative rate", `{"forms":[{"key":"contact-2026","rateLimitPerMinute":-1}]}`, "negative"},
		{"not JSON", `forms`, "parse forms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestFindAndOrigins(t *testing.T) {
	s, err := NewStatic([]Form{{Key: "contact-2026", AllowedOrigins: []string{"https://www.example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Find(context.Background(), "contact-2026")
	if err != nil {
		t.Fatal(err)
	}
	if !f.AllowsOrigin("https://www.example.com") || f.AllowsOrigin("https://evil.example") {
		t.Error("origin check wrong")
	}
	if f.HoneypotField() != DefaultHoneypot {
		t.Errorf("honeypot = %q", f.HoneypotField())
	}
	if _, err := s.Find(context.Background(), "nope-nope"); !errors.Is(err, ErrUnknownForm) {
		t.Errorf("err = %v, want ErrUnknownForm", err)
	}
}
