package migrations

// ScramMatches lets the package's external tests check verifiers against PostgreSQL's.
var ScramMatches = scramMatches
