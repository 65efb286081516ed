import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { setCsrfToken, setUnauthenticatedHandler } from '../shared/api';

afterEach(() => {
  cleanup();
  setCsrfToken(null);
  setUnauthenticatedHandler(null);
  document.cookie = 'goldset_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});

// happy-dom fires `selectionchange` synchronously inside Selection.collapse(), where browsers queue it.
// CodeMirror sets the DOM selection while it applies an update, so the synchronous event makes it start
// a second update inside the first ("Calls to EditorView.update are not allowed while an update is in
// progress"), an unhandled error that fails the run now and then. Queued instead, happy-dom's selection
// and CodeMirror's chase each other forever. Tests drive editors with keys and commands, never with a
// mouse selection, so the event is not delivered at all.
// (The global EventTarget may be Node's: patch the class that gives the document its dispatchEvent.)
let owner: object | null = document;
while (owner && !Object.prototype.hasOwnProperty.call(owner, 'dispatchEvent')) owner = Object.getPrototypeOf(owner);
const target = owner as { dispatchEvent: (event: Event) => boolean };
const dispatchEvent = target.dispatchEvent;
target.dispatchEvent = function (this: EventTarget, event: Event) {
  if (event.type === 'selectionchange') return true;
  return dispatchEvent.call(this, event);
};

// happy-dom implements <dialog>'s showModal() and close() but not the close request a browser makes of
// Escape: a `cancel` event on the topmost open modal dialog, then close() unless it was cancelled.
// This is that default action, run after the page's own keydown handlers, as a browser does.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  const open = document.querySelectorAll<HTMLDialogElement>('dialog[open]');
  const dialog = open[open.length - 1];
  if (!dialog) return;
  if (dialog.dispatchEvent(new Event('cancel', { cancelable: true }))) dialog.close();
});
