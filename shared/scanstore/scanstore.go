// Package scanstore keeps the images of scanned customer information cards outside the store,
// one per submission: in a local folder on one machine, in an S3 bucket on AWS.
package scanstore

import (
	"context"
	"errors"
)

// Image content types a scan may have.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

// ErrContentType: an image that is neither JPEG nor PNG.
var ErrContentType = errors.New("scan image must be JPEG or PNG")

// Store keeps scan images by submission ID. It implements hygiene.ImageRemover, so that a
// purge removes a customer's images with the rest of its data.
type Store interface {
	// Put keeps the image of a submission and returns a reference to it, to be stored as the
	// submission's ImageRef. Putting again replaces it.
	Put(ctx context.Context, submissionID, contentType string, data []byte) (ref string, err error)
	// RemoveImages removes the images of the submissions; absent ones are not an error.
	RemoveImages(ctx context.Context, customerID string, submissionIDs []string) error
}

// extension is the file name extension of an image content type.
func extension(contentType string) (string, error) {
	switch contentType {
	case JPEG:
		return "jpg", nil
	case PNG:
		return "png", nil
	}
	return "", ErrContentType
}
