package scanstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/intake-project/intake/shared/ids"
)

// S3API is the part of the S3 client the adapter uses.
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, opts ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
}

// S3Prefix is the key prefix the deployed functions keep scan images under.
const S3Prefix = "scans/"

// S3Config names where images go.
type S3Config struct {
	Bucket string
	// Prefix starts every key, e.g. "scans/"; the key is the prefix and the submission ID.
	Prefix string
	// KMSKeyID, when set, encrypts images with this KMS key (SSE-KMS); otherwise the bucket's
	// default encryption applies.
	KMSKeyID string
}

// S3 keeps images as objects <prefix><submissionId>, with their content type.
type S3 struct {
	client S3API
	cfg    S3Config
}

// NewS3 returns the S3 adapter.
func NewS3(client S3API, cfg S3Config) *S3 { return &S3{client: client, cfg: cfg} }

// deleteBatch is the most keys one DeleteObjects request takes.
const deleteBatch = 1000

func (s *S3) key(submissionID string) string { return s.cfg.Prefix + submissionID }

// Put implements Store.
func (s *S3) Put(ctx context.Context, submissionID, contentType string, data []byte) (string, error) {
	if _, err := extension(contentType); err != nil {
		return "", fmt.Errorf("put image of %s: %w", submissionID, err)
	}
	if !ids.Valid(submissionID) {
		return "", fmt.Errorf("put image: malformed submission ID %q", submissionID)
	}
	in := &s3.PutObjectInput{
		Bucket:        aws.String(s.cfg.Bucket),
		Key:           aws.String(s.key(submissionID)),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		ContentType:   aws.String(contentType),
	}
	if s.cfg.KMSKeyID != "" {
		in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
		in.SSEKMSKeyId = aws.String(s.cfg.KMSKeyID)
	}
	if _, err := s.client.PutObject(ctx, in); err != nil {
		return "", fmt.Errorf("put image of %s: %w", submissionID, err)
	}
	return "s3://" + s.cfg.Bucket + "/" + s.key(submissionID), nil
}

// RemoveImages implements Store and hygiene.ImageRemover. S3 deletes absent keys without
// complaint, so every submission's key is deleted whether it had an image or not.
func (s *S3) RemoveImages(ctx context.Context, _ string, submissionIDs []string) error {
	var objs []types.ObjectIdentifier
	for _, id := range submissionIDs {
		if ids.Valid(id) {
			objs = append(objs, types.ObjectIdentifier{Key: aws.String(s.key(id))})
		}
	}
	for len(objs) > 0 {
		n := min(len(objs), deleteBatch)
		out, err := s.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(s.cfg.Bucket),
			Delete: &types.Delete{Objects: objs[:n], Quiet: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("remove images: %w", err)
		}
		var errs []error
		for _, e := range out.Errors {
			errs = append(errs, fmt.Errorf("%s: %s", aws.ToString(e.Key), aws.ToString(e.Code)))
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("remove images: %w", err)
		}
		objs = objs[n:]
	}
	return nil
}
