// Package workflows holds the intake state machine definition (Amazon States Language,
// JSONPath) that Step Functions runs on AWS and package asl runs locally.
package workflows

import _ "embed"

// Definition is intake.asl.json as written, with its "${...FunctionArn}" placeholders for
// DefinitionSubstitutions.
//
//go:embed intake.asl.json
var Definition []byte
