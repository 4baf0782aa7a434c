package httpapi

import (
	"bytes"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/validate"
)

// decodeSubmission decodes a submission strictly: unknown fields and wrong types come back as
// field errors; err is for a body that is not one JSON value.
func decodeSubmission(doc []byte) (customer.Submission, []customer.FieldError, error) {
	return validate.Decode(bytes.NewReader(doc))
}

// check runs the validation rules at now; the workflow runs them again before filing.
func (h *handler) check(s customer.Submission, now time.Time) []customer.FieldError {
	rules := h.deps.Rules
	rules.Now = now
	return rules.Check(s).Errors
}
