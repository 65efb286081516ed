// Package spider imports Spider-format text-to-SQL benchmarks: the questions and their gold SQL,
// the schemas (tables.json), and the SQLite databases, which it reads into sqlexec.TableData for
// loading into PostgreSQL. It also runs SQL on the SQLite files and verifies a translation of the
// SQLite-dialect gold SQL (sqlexec.TranslateSQLite) by execution: original on SQLite against
// translation on PostgreSQL.
//
// Names: tables and columns get lower-case PostgreSQL names, so gold SQL that writes them in any
// case, unquoted, works as written. Names that are not plain identifiers (spaces, punctuation,
// reserved words) are cleaned to snake_case; the original stays in Original and every rename and
// collision is a warning.
//
// Types follow SQLite's affinity rules for the declared type, then the values decide, because
// SQLite is dynamically typed and never enforces a declared type:
//   - INT… → bigint; REAL/FLOA/DOUB → double precision; NUMERIC/DECIMAL → numeric; CHAR/CLOB/TEXT → text;
//   - no type or BLOB → from the values (all integers: bigint; all numbers: double precision; else text);
//   - BOOL → bigint when every value is 0/1 (SQLite SQL compares such columns with 1 and 0,
//     which PostgreSQL's boolean refuses), else text (Spider holds 'T'/'F');
//   - DATE/DATETIME/TIMESTAMP → text: Spider stores dates as text in many forms, and its SQL
//     compares, LIKEs and substr()s them as text, which a date column would break;
//   - a column whose values do not all fit falls back to text (or, for an integer column with
//     non-integer numbers, to double precision), with a warning naming the column and an
//     example value. Numbers stored as text in a TEXT column stay text. No value is dropped or
//     altered silently; row counts equal SQLite's.
//
// Keys: primary keys follow PRAGMA table_info order and are dropped (with a warning) when the data
// breaks them. Foreign keys resolve their referenced table case-insensitively and read omitted
// referenced columns as the primary key; a key PostgreSQL would reject (missing table or column,
// referenced columns that are not the primary key, different types, rows without a match) is
// dropped with a warning, never failing the import.
//
// Verification compares strictly (sqlexec.MatchOptions{NumericText: false}): a number stored as
// text on one side and as a number on the other is a real difference. When only the lenient
// comparison (NumericText) would match, Verify still reports a mismatch and says so in Reason, so a
// reviewer sees at once that the difference is one of storage types.
package spider
