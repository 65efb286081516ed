// An EventSource stand-in: records the streams opened and lets a test send named events or fail them.
import { beforeEach, vi } from 'vitest';

type Listener = (e: MessageEvent | Event) => void;

export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly url: string;
  readonly withCredentials: boolean;
  readyState = 0;
  closed = false;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  private listeners = new Map<string, Listener[]>();

  constructor(url: string, init?: { withCredentials?: boolean }) {
    this.url = url;
    this.withCredentials = Boolean(init?.withCredentials);
    FakeEventSource.instances.push(this);
  }
  addEventListener(name: string, fn: Listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  removeEventListener(name: string, fn: Listener) {
    this.listeners.set(name, (this.listeners.get(name) ?? []).filter((f) => f !== fn));
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }

  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  /** The server sends `event: name` with JSON data. */
  emit(name: string, data: unknown) {
    if (this.closed) return;
    const e = new MessageEvent(name, { data: JSON.stringify(data) });
    if (name === 'error') this.onerror?.(e);
    for (const fn of this.listeners.get(name) ?? []) fn(e);
  }
  /** The connection fails. */
  fail() {
    this.onerror?.(new Event('error'));
  }

  static get last(): FakeEventSource {
    const s = FakeEventSource.instances[FakeEventSource.instances.length - 1];
    if (!s) throw new Error('no EventSource was opened');
    return s;
  }
  static open(pathPrefix: string): FakeEventSource[] {
    return FakeEventSource.instances.filter((s) => s.url.startsWith(pathPrefix) && !s.closed);
  }
}

export function mockEventSource() {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  return FakeEventSource;
}

/** Every test of the file starts with a fake EventSource and no stream opened (the real one comes back after it: unstubGlobals). */
export function withFakeEventSource() {
  beforeEach(() => {
    mockEventSource();
  });
}
