package scanstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/intake-project/intake/shared/ids"
)

// Local keeps images as files <dir>/<submissionId>.<jpg|png>, readable by the owner only.
type Local struct {
	dir string
}

// NewLocal keeps images in dir, which is created (mode 0700) on the first Put.
func NewLocal(dir string) *Local { return &Local{dir: dir} }

// Put implements Store. The file is written under a temporary name and renamed, so that a
// crash never leaves half an image under the submission's name.
func (l *Local) Put(_ context.Context, submissionID, contentType string, data []byte) (string, error) {
	ext, err := extension(contentType)
	if err != nil {
		return "", fmt.Errorf("put image of %s: %w", submissionID, err)
	}
	if !ids.Valid(submissionID) {
		return "", fmt.Errorf("put image: malformed submission ID %q", submissionID)
	}
	if err := os.MkdirAll(l.dir, 0o700); err != nil {
		return "", fmt.Errorf("put image of %s: %w", submissionID, err)
	}
	name := submissionID + "." + ext
	tmp, err := os.CreateTemp(l.dir, "."+submissionID+"-*")
	if err != nil {
		return "", fmt.Errorf("put image of %s: %w", submissionID, err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return "", fmt.Errorf("put image of %s: %w", submissionID, err)
	}
	// CreateTemp makes the file 0600 already; the mode is stated for readers of this code.
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return "", fmt.Errorf("put image of %s: %w", submissionID, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(l.dir, name)); err != nil {
		return "", fmt.Errorf("put image of %s: %w", submissionID, err)
	}
	return name, nil
}

// RemoveImages implements Store and hygiene.ImageRemover.
func (l *Local) RemoveImages(_ context.Context, _ string, submissionIDs []string) error {
	var errs []error
	for _, id := range submissionIDs {
		if !ids.Valid(id) {
			continue // no image was ever kept under a name of another shape
		}
		for _, ext := range []string{"jpg", "png"} {
			if err := os.Remove(filepath.Join(l.dir, id+"."+ext)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove images: %w", err)
	}
	return nil
}
