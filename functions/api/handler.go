package main

import (
	"context"
	"net/http"
	"net/url"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// lambdaHandler is what lambda.Start runs: an HTTP API (payload 2.0) event in, a response out.
type lambdaHandler func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// newLambdaHandler serves h to API Gateway HTTP API events through httpadapter, mending the
// events the adapter mishandles first.
func newLambdaHandler(h http.Handler) lambdaHandler {
	adapter := httpadapter.NewV2(h)
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return adapter.ProxyWithContext(ctx, mend(ev))
	}
}

// mend fixes what the adapter would get wrong:
//   - Some set-ups deliver rawPath as "/" (or not at all) while requestContext.http.path holds
//     the real path (aws-lambda-go-api-proxy issue #60); the adapter would route every such
//     request to "/".
//   - The API Gateway request ID becomes X-Request-Id, so log lines and problem documents
//     carry the ID that API Gateway's access log has.
func mend(ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPRequest {
	if p := ev.RequestContext.HTTP.Path; (ev.RawPath == "" || ev.RawPath == "/") && p != "" && p != "/" {
		ev.RawPath = (&url.URL{Path: p}).EscapedPath()
	}
	if id := ev.RequestContext.RequestID; id != "" {
		headers := make(map[string]string, len(ev.Headers)+1)
		for k, v := range ev.Headers {
			if http.CanonicalHeaderKey(k) != "X-Request-Id" {
				headers[k] = v
			}
		}
		headers["x-request-id"] = id
		ev.Headers = headers
	}
	return ev
}
