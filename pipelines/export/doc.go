// Package export writes a snapshot's split in the formats models are trained and evaluated with:
// OpenAI chat JSONL, TRL, Alpaca, eval CSV/JSONL (with the gold SQL's result), and a Spider-style
// zip with SQLite databases whose gold SQL is checked to give the same result there.
package export
