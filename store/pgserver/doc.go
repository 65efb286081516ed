// Package pgserver runs a private PostgreSQL cluster under a Goldset data directory, so that
// `goldset serve` (and every other subcommand, and the tests) work on a machine that has the
// PostgreSQL server binaries but no configured database server.
//
// The cluster lives in DataDir/postgres:
//
//	data/          PGDATA, created by initdb into a temporary directory and renamed into place,
//	               so a half-initialised cluster is never mistaken for a good one
//	run/           the unix socket directory (or a short directory under os.TempDir when that path
//	               would exceed the unix socket path limit)
//	cluster.json   where the socket is, so other processes find a server they did not start
//	server.log     the server's log; its tail is quoted in start errors
//	start.lock     exclusive flock: serialises every start/stop decision
//	users.lock     shared flock held by each process for as long as it uses the cluster
//
// Several processes (for example `goldset serve` and `goldset user create`, or many test binaries
// of `go test ./...`) share one server: the first one starts it, the others attach, and the last
// one to Close stops it, whoever started it. Because flock(2) locks vanish with their process,
// a killed process never leaves the cluster marked as in use; a server it left running is simply
// attached to by the next Start.
//
// A server that was killed (SIGKILL, the OOM killer, a crash) leaves a stale postmaster.pid and
// possibly orphaned backends that still hold its shared memory. Start and EnsureRunning clear both
// before starting it again; Supervise, run by long-lived processes, notices the death within half a
// second and calls EnsureRunning, so that one process restarts the server and the others find it
// running.
//
// # Security
//
// The cluster is initialised with --auth=trust: anyone who can connect may log in as the superuser
// "goldset". Goldset itself uses the superuser only while opening the data dir (to create the
// platform database, migrate and hand the objects over, see migrations.HandOver); its pools then
// connect as migrations.AppRole, which is no superuser, so SQL that reached the platform's
// connection could still not read server files or run programs.
// That is safe only because nobody else can connect: the server listens on no TCP address
// (listen_addresses=”) and its only unix socket lives in a directory of mode 0700 owned by the
// OS user that runs postgres (the socket file itself is 0700 too). Connecting therefore requires
// being that OS user or root, who could read PGDATA anyway. A socket directory that already
// exists with another owner, or as a symlink, is refused rather than trusted.
//
// PostgreSQL refuses to run as root, so when the calling process is root the binaries are run
// as an unprivileged OS user (Options.OSUser, default "postgres", else "nobody"), who owns
// DataDir/postgres and the socket directory.
package pgserver
