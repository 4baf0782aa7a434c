package scanstore

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/intake-project/intake/shared/hygiene"
)

var (
	_ hygiene.ImageRemover = (*Local)(nil)
	_ hygiene.ImageRemover = (*S3)(nil)
	_ Store                = (*Local)(nil)
	_ Store                = (*S3)(nil)
)

const (
	sub1 = "01jx5v0c3kq8w2m9d4r7t6y1ab"
	sub2 = "01jx5v0c3kq8w2m9d4r7t6y1ac"
)

func TestLocalKeepsImagesPrivatelyAndRemovesThem(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "images")
	l := NewLocal(dir)
	ctx := context.Background()
	ref, err := l.Put(ctx, sub1, JPEG, []byte("jpeg bytes"))
	if err != nil || ref != sub1+".jpg" {
		t.Fatalf("Put = %q, %v", ref, err)
	}
	if _, err := l.Put(ctx, sub2, PNG, []byte("png bytes")); err != nil {
		t.Fatal(err)
	}
	for path, mode := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, filepath.Join(dir, sub1+".jpg"): 0o600, filepath.Join(dir, sub2+".png"): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != mode {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), mode)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(dir, sub1+".jpg")); string(data) != "jpeg bytes" {
		t.Errorf("stored image = %q", data)
	}
	if err := l.RemoveImages(ctx, "cust", []string{sub1, "01jx5v0c3kq8w2m9d4r7t6y1ad", "../escape"}); err != nil {
		t.Fatalf("RemoveImages with an absent image: %v", err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 || left[0].Name() != sub2+".png" {
		t.Fatalf("left after removal: %v, want only %s.png", left, sub2)
	}
}

func TestPutRefusesWhatItCannotName(t *testing.T) {
	ctx := context.Background()
	for _, st := range []Store{NewLocal(t.TempDir()), NewS3(nil, S3Config{Bucket: "b"})} {
		if _, err := st.Put(ctx, sub1, "image/gif", []byte("GIF89a")); !errors.Is(err, ErrContentType) {
			t.Errorf("%T: a GIF: %v, want ErrContentType", st, err)
		}
		if _, err := st.Put(ctx, "../../etc/passwd", JPEG, []byte("x")); err == nil {
			t.Errorf("%T: a malformed submission ID was accepted", st)
		}
	}
}

// fakeS3 answers PutObject and DeleteObjects on a path-style bucket, as S3 does.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string]string // key → content type
	headers []http.Header
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.headers = append(f.headers, r.Header.Clone())
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if bucket != "scans-bucket" {
		http.Error(w, "no such bucket", http.StatusNotFound)
		return
	}
	switch {
	case r.Method == http.MethodPut:
		io.Copy(io.Discard, r.Body)
		f.objects[key] = r.Header.Get("Content-Type")
		w.Header().Set("ETag", `"etag"`)
	case r.Method == http.MethodPost && r.URL.Query().Has("delete"):
		var req struct {
			Objects []struct{ Key string } `xml:"Object"`
		}
		if err := xml.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, o := range req.Objects {
			delete(f.objects, o.Key)
		}
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>`)
	default:
		http.Error(w, "unexpected request", http.StatusBadRequest)
	}
}

func TestS3KeepsImagesByKeyAndRemovesThem(t *testing.T) {
	fake := &fakeS3{objects: map[string]string{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client := s3.New(s3.Options{
		Region:       "cn-north-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  aws.AnonymousCredentials{},
	})
	st := NewS3(client, S3Config{Bucket: "scans-bucket", Prefix: "scans/", KMSKeyID: "alias/intake"})
	ctx := context.Background()
	ref, err := st.Put(ctx, sub1, PNG, []byte("png bytes"))
	if err != nil || ref != "s3://scans-bucket/scans/"+sub1 {
		t.Fatalf("Put = %q, %v", ref, err)
	}
	if _, err := st.Put(ctx, sub2, JPEG, []byte("jpeg bytes")); err != nil {
		t.Fatal(err)
	}
	if fake.objects["scans/"+sub1] != PNG || fake.objects["scans/"+sub2] != JPEG {
		t.Fatalf("objects = %v", fake.objects)
	}
	if got := fake.headers[0].Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"); got != "alias/intake" {
		t.Errorf("KMS key header = %q", got)
	}
	if err := st.RemoveImages(ctx, "cust", []string{sub1, "01jx5v0c3kq8w2m9d4r7t6y1ad"}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range fake.objects {
		keys = append(keys, k)
	}
	if !slices.Equal(keys, []string{"scans/" + sub2}) {
		t.Fatalf("objects left = %v, want only %s", keys, sub2)
	}
}
