// Package store is the platform's persistence: GORM models and queries for users, sessions, API tokens,
// projects, memberships and the audit log, on PostgreSQL.
//
// Every change that a person makes is written together with its audit entry in one transaction,
// so the audit log can never miss a change or record one that did not happen.
// Callers test errors with errors.Is against the sentinel errors below; the HTTP layer maps them
// to status codes in one place.
package store
