import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { setCsrfToken, setUnauthenticatedHandler } from '../api';

afterEach(() => {
  cleanup();
  setCsrfToken(null);
  setUnauthenticatedHandler(null);
  document.cookie = 'goldset_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});
