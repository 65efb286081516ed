// `node --test e2e/` only picks up files named like tests (*.test.mjs); the scenario lives in databases.e2e.mjs.
import './databases.e2e.mjs';
