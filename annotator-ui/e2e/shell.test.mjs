// `node --test e2e/` only picks up files named like tests (*.test.mjs); the scenario lives in shell.e2e.mjs.
import './shell.e2e.mjs';
