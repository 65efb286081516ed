#!/bin/sh
# Rebuilds the fixture's SQLite files and description CSVs from this folder (needs sqlite3 and
# python3). Run from anywhere: sh pipelines/ingest/bird/testdata/src/make.sh
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out="$src/../bird/dev_databases"
for db in school_meals bike_shop; do
  mkdir -p "$out/$db/database_description"
  rm -f "$out/$db/$db.sqlite"
  sqlite3 "$out/$db/$db.sqlite" < "$src/$db.sql"
done
python3 "$src/descriptions.py" "$out"
