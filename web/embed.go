// Package web holds the static pages served on one machine: the public intake form, the
// thank-you page a plain HTML form post is sent to, and the staff console.
package web

import "embed"

// Files are the pages, served at the site root.
//
//go:embed *.html *.css *.js
var Files embed.FS
