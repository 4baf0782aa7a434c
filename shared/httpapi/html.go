package httpapi

import (
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// mode is how a caller wants answers: JSON (API clients, scripts) or HTML (a plain HTML form
// posted by a browser).
type mode int

const (
	modeJSON mode = iota
	modeHTML
)

// requestMode: a form-encoded post is answered in HTML unless the client asks for JSON.
func requestMode(r *http.Request) mode {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return modeJSON
	}
	accept := r.Header.Get("Accept")
	if (strings.Contains(accept, "application/json") || strings.Contains(accept, "application/problem+json")) &&
		!strings.Contains(accept, "text/html") {
		return modeJSON
	}
	return modeHTML
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.TitleZh}} / {{.Title}}</title></head>
<body>
<main>
<h1>{{.TitleZh}} <span lang="en">/ {{.Title}}</span></h1>
{{if .DetailZh}}<p>{{.DetailZh}}</p>{{end}}{{if .Detail}}<p lang="en">{{.Detail}}</p>{{end}}
{{if .Errors}}<ul>
{{range .Errors}}<li><code>{{.Path}}</code>: {{.Zh}} <span lang="en">({{.Message}})</span></li>
{{end}}</ul>{{end}}
{{if .Reference}}<p>编号 / Reference: <code>{{.Reference}}</code></p>{{end}}
{{if .Back}}<p><a href="{{.Back}}">返回修改 / Go back</a></p>{{end}}
</main>
</body>
</html>
`))

type page struct {
	Title, TitleZh, Detail, DetailZh string
	Errors                           []customer.FieldError
	Reference                        string
	Back                             string
}

func writePage(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, p)
}

// backLink is where the error page's back link goes: the page the form was on when the browser
// says so and it is a web address, the site root otherwise.
func backLink(r *http.Request) string {
	if u, err := url.Parse(r.Referer()); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return u.String()
	}
	return "/"
}

// fail answers with a problem: problem+json, or an HTML page for a plain HTML form.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, m mode, k problemKind, detail, detailZh string, errs []customer.FieldError) {
	if m == modeHTML {
		writePage(w, k.status, page{Title: k.title, TitleZh: k.titleZh, Detail: detail, DetailZh: detailZh, Errors: errs, Back: backLink(r)})
		return
	}
	writeProblem(w, r, k, detail, detailZh, errs)
}

// internal logs an unexpected error (operation and error only: errors carry no personal data)
// and answers 500.
func (h *handler) internal(w http.ResponseWriter, r *http.Request, m mode, op string, err error) {
	h.log.LogAttrs(r.Context(), slog.LevelError, op, slog.String("requestId", requestID(r.Context())), slog.String("error", err.Error()))
	h.fail(w, r, m, probInternal, "Something went wrong on our side; please try again.", "服务器出错，请稍后重试。", nil)
}
