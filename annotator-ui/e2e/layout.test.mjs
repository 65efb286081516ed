// `node --test e2e/` only picks up files named like tests (*.test.mjs); the scenario lives in layout.e2e.mjs.
import './layout.e2e.mjs';
