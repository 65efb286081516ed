// Package uploadtest builds hostile archives for tests: zip bombs whose entries expand to any size,
// made in milliseconds, with honest or lying headers.
package uploadtest
