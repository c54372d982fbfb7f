// Subscriptions' SSE responses: yoga's bytes, and one keep-alive timer for every open stream, ticking
// every 12 s (under the 15 s idle limit of common proxies) until the stream ends or is cancelled.
import type { ExecutionResult } from 'graphql';
import { Repeater } from 'graphql-yoga';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { openSseStreams, sseResponse } from '../../src/live/sse.js';
import { stringifyResult } from '../../src/live/result-json.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const fetchAPI = { ReadableStream, Response } as unknown as Parameters<typeof sseResponse>[2];

function source() {
  let push: (value: ExecutionResult) => void = () => undefined;
  let stop: () => void = () => undefined;
  let returned = false;
  const results = new Repeater<ExecutionResult>(async (p, s) => {
    push = (value) => void p(value);
    stop = () => s();
    await s;
    returned = true;
  });
  return { results, push: (v: ExecutionResult) => push(v), stop: () => stop(), returned: () => returned };
}

async function read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value } = await reader.read();
  return new TextDecoder().decode(value);
}

it('writes yoga\'s SSE bytes, and keeps every idle stream alive from one timer', async () => {
  const a = source();
  const b = source();
  const readerA = sseResponse(a.results, stringifyResult, fetchAPI).body!.getReader();
  const readerB = sseResponse(b.results, stringifyResult, fetchAPI).body!.getReader();
  expect(await read(readerA)).toBe(':\n\n');
  expect(await read(readerB)).toBe(':\n\n');
  expect(openSseStreams()).toBe(2);
  expect(vi.getTimerCount()).toBe(1);

  a.push({ data: { n: 1 } });
  expect(await read(readerA)).toBe('event: next\ndata: {"data":{"n":1}}\n\n');
  await vi.advanceTimersByTimeAsync(12_000);
  expect(await read(readerA)).toBe(':\n\n');
  expect(await read(readerB)).toBe(':\n\n');

  a.stop();
  expect(await read(readerA)).toBe('event: complete\ndata:\n\n');
  expect(openSseStreams()).toBe(1);
  await readerB.cancel();
  expect(b.returned()).toBe(true);
  expect(openSseStreams()).toBe(0);
  expect(vi.getTimerCount()).toBe(0);
});
