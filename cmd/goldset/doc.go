// Command goldset is the whole Goldset product: the server, its workers and the command-line tools.
//
// It owns the wiring: main.go lists the commands; config.go and db.go read the configuration, open
// the platform database (the embedded PostgreSQL unless a URL is given) and find projects by name or
// number; app.go assembles the App, every pipeline and the agent on one set of tools, once, for the
// commands that serve or run work; flags.go and output.go hold how every command reads its flags and
// prints; the other files hold the commands, one or a few related ones each. No package imports
// this one.
package main
