package customer

import (
	"errors"
	"testing"
	"time"
)

// testNow is the fixed "now" every time-dependent test runs at.
var testNow = time.Date(2025, time.June, 1, 12, 0, 0, 0, time.UTC)

// codeOf is the code of err, "" for nil; it fails the test when err is not a catalogued
// FieldError.
func codeOf(t testing.TB, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var fe FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a FieldError", err)
	}
	m, ok := catalogue[fe.Code]
	if !ok || fe.Message != m.en || fe.Zh != m.zh || fe.Message == "" || fe.Zh == "" {
		t.Fatalf("field error %+v is not the catalogued one", fe)
	}
	return fe.Code
}
