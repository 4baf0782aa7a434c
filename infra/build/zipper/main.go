// Command zipper writes a Lambda deployment package: every file of a folder at the root of a
// zip, executables kept executable, with fixed timestamps so that equal inputs give equal zips.
package main

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// epoch is the timestamp every entry gets: the earliest a zip can record.
var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: zipper OUT.zip DIR")
		os.Exit(2)
	}
	if err := write(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "zipper:", err)
		os.Exit(1)
	}
}

func write(out, dir string) (err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(f)
	for _, e := range entries {
		if !e.Type().IsRegular() {
			return fmt.Errorf("%s: only regular files belong in a deployment package", filepath.Join(dir, e.Name()))
		}
		if err := add(zw, filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return zw.Close()
}

func add(zw *zip.Writer, path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	// The header records the Unix mode bits: Lambda runs bootstrap only if the zip says it
	// is executable.
	h, err := zip.FileInfoHeader(info)
	if err != nil {
		return err
	}
	h.Name = filepath.Base(path)
	h.Method = zip.Deflate
	h.Modified = epoch
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := io.Copy(w, src); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
