// `node --test e2e/` only picks up files named like tests (*.test.mjs); the scenario lives in loop.e2e.mjs.
import './loop.e2e.mjs';
