// Package match decides whether an incoming submission describes a customer already on file:
// it normalises values, derives lookup keys, compares fields and weighs them (Fellegi-Sunter).
package match
