// Package sandboxtest holds the attack corpus the SQL sandbox is tested with, so the same
// statements are run through sqlexec itself, the HTTP API and the command line.
package sandboxtest
