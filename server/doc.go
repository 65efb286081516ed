// Package server is Goldset's HTTP face: Echo v4 with one route table (routes.go) in which every
// endpoint names the casbin permission it needs, authentication by session cookie or API token,
// CSRF protection, the JSON error envelope, the embedded web UI, and operational endpoints.
//
// Handlers are thin: decode → validate → call the store or a domain package → respond. Echo stays in
// this package; nothing below it knows about HTTP.
package server
