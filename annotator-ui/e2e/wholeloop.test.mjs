// `node --test e2e/` only picks up files named like tests (*.test.mjs); the scenario lives in wholeloop.e2e.mjs.
import './wholeloop.e2e.mjs';
