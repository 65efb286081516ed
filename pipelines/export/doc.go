// Package export writes a snapshot's split in the formats models are trained and evaluated with:
// OpenAI chat JSONL, TRL, Alpaca, eval CSV/JSONL (with the gold SQL's result), and Spider-style and
// BIRD-style zips with SQLite databases whose gold SQL is checked to give the same result there
// (BIRD's with each question's evidence and the columns' descriptions).
package export
