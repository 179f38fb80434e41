import { describe, expect, it } from 'vitest';
import { createDevOutbox, type OutboxMessage } from '../../src/sms/dev-outbox.ts';

const message = (appId: string, to: string, text: string): OutboxMessage => ({
  appId,
  to,
  text,
  route: 'console',
  sentAt: new Date(0),
});

describe('dev outbox', () => {
  it('lists one app’s messages to one number, newest first', () => {
    const outbox = createDevOutbox();
    outbox.add(message('app_a', '+33611111111', 'first'));
    outbox.add(message('app_b', '+33611111111', 'other app'));
    outbox.add(message('app_a', '+33622222222', 'other number'));
    outbox.add(message('app_a', '+33611111111', 'second'));
    expect(outbox.list('app_a', '+33611111111').map((m) => m.text)).toEqual(['second', 'first']);
    expect(outbox.list('app_b', '+33622222222')).toEqual([]);
  });

  it('keeps only the newest `capacity` messages across all numbers', () => {
    const outbox = createDevOutbox(3);
    for (let i = 0; i < 10; i++) outbox.add(message('app', `+3361000000${i % 2}`, `m${i}`));
    const kept = [...outbox.list('app', '+33610000000'), ...outbox.list('app', '+33610000001')];
    expect(kept.map((m) => m.text).sort()).toEqual(['m7', 'm8', 'm9']);
    // Still bounded after many evictions (the arrival list is compacted, not lost).
    for (let i = 0; i < 1000; i++) outbox.add(message('app', '+33610000002', `n${i}`));
    expect(outbox.list('app', '+33610000002').map((m) => m.text)).toEqual(['n999', 'n998', 'n997']);
    expect(outbox.list('app', '+33610000000')).toEqual([]);
  });
});
