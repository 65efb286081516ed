// Command goldset is the whole Goldset product: the server, its workers and the command-line tools.
//
// It owns the wiring: main.go lists the commands; config.go and db.go read the configuration and
// open the platform database (the embedded PostgreSQL unless a URL is given); app.go assembles the
// App, every pipeline and the agent on one set of tools, once, for the commands that serve or run
// work; each other file is one command (serve, worker, import, sql, agent, run, snapshot, export,
// metrics, eval, user, migrate, sample) and its flags. No package imports this one.
package main
