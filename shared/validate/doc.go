// Package validate checks a whole customer submission against the intake rules and reports
// every field error at once, with its JSON path, apart from warnings, plus canonical values.
package validate
