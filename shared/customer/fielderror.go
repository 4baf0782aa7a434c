package customer

import "strings"

// FieldError is a problem with one field of a submission: where it is (the JSON path, such as
// "person.idDocument.number" or "person.phones[1]"), a stable machine code, and a message in
// English and in Chinese. Messages never repeat the submitted value.
type FieldError struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"messageZh"`
}

// Error reports the field error in English.
func (e FieldError) Error() string { return e.Path + ": " + e.Message }

// FieldErrors is a list of field errors; as an error it reports them all.
type FieldErrors []FieldError

// Error joins every field error.
func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}
