// The kinds of import the Databases tab offers: what each takes and how the form asks for it.
import { type ImportKind } from '../../shared/api';

interface KindInfo {
  label: string;
  accept: string;
  multiple: boolean;
  describe: string;
  named: boolean;
}

export const IMPORT_KINDS: Record<ImportKind, KindInfo> = {
  csv: {
    label: 'CSV / TSV files',
    accept: '.csv,.tsv,.txt,.zip',
    multiple: true,
    named: true,
    describe:
      'One table per file, or per file inside a zip. The first row is the header: column names are cleaned to ' +
      'snake_case and the original header is kept. Types are inferred (numbers such as 12,467, dates); empty cells become NULL.',
  },
  sqlite: {
    label: 'SQLite file',
    accept: '.sqlite,.sqlite3,.db,.zip',
    multiple: false,
    named: true,
    describe: 'One SQLite database file, or a zip of them (one database each, named after its file). Every table is copied with its primary and foreign keys.',
  },
  spider: {
    label: 'Spider dataset (zip)',
    accept: '.zip',
    multiple: false,
    named: false,
    describe:
      'A zip of a Spider folder: dev.json, tables.json and database/<db_id>/<db_id>.sqlite. Every database the ' +
      'questions use is imported; each gold query is translated from SQLite to PostgreSQL and checked by running both.',
  },
  bird: {
    label: 'BIRD dataset (zip)',
    accept: '.zip',
    multiple: false,
    named: false,
    describe:
      'A zip of a BIRD folder: dev.json (or train.json), dev_databases/<db>/<db>.sqlite and each database’s ' +
      'database_description/*.csv. Questions keep their evidence and difficulty, columns their descriptions; each gold ' +
      'query is translated from SQLite to PostgreSQL and checked by running both.',
  },
  wtq: {
    label: 'WikiTableQuestions (zip)',
    accept: '.zip',
    multiple: false,
    named: false,
    describe:
      'A zip with csv/<folder>/*.csv and questions.tsv, or the official release zip as it is (csv/ and data/*.tsv). All tables become one database named “wtq”; each question ' +
      'keeps its answers and points at its table.',
  },
  questions: {
    label: 'Questions CSV',
    accept: '.csv',
    multiple: false,
    named: false,
    describe:
      'One CSV with a question column and optional sql and db columns. Questions without a db go to the target ' +
      'database chosen below; SQL that comes with them is run to check it.',
  },
};
