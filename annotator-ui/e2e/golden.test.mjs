// `node --test e2e/` only picks up files named like tests (*.test.mjs); the scenario lives in golden.e2e.mjs.
import './golden.e2e.mjs';
