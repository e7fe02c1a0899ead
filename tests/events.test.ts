import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../sim/engines/events.js';

function drain<T>(q: EventQueue<T>): Array<[number, T]> {
  const out: Array<[number, T]> = [];
  while (q.size > 0) {
    const cycle = q.peekCycle()!;
    out.push([cycle, q.pop()!]);
  }
  return out;
}

describe('EventQueue', () => {
  it('pop returns events in cycle order', () => {
    const q = new EventQueue<string>();
    q.push(5, 'c');
    q.push(1, 'a');
    q.push(3, 'b');
    expect(drain(q)).toEqual([
      [1, 'a'],
      [3, 'b'],
      [5, 'c'],
    ]);
    expect(q.pop()).toBeUndefined();
    expect(q.peekCycle()).toBeUndefined();
  });

  it('equal cycles: lower priority first, then the order of push', () => {
    const q = new EventQueue<string>();
    q.push(2, 'fire-a', 1);
    q.push(2, 'deliver-a', 0);
    q.push(2, 'fire-b', 1);
    q.push(2, 'deliver-b', 0);
    q.push(1, 'early', 1);
    expect(drain(q).map(([, item]) => item)).toEqual(['early', 'deliver-a', 'deliver-b', 'fire-a', 'fire-b']);
  });

  it('clear empties the queue', () => {
    const q = new EventQueue<number>();
    for (let i = 0; i < 10; i++) q.push(i, i);
    q.clear();
    expect(q.size).toBe(0);
    q.push(4, 4);
    expect(drain(q)).toEqual([[4, 4]]);
  });

  it('property: draining gives a stable sort by (cycle, priority), whatever the push and pop interleaving', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ cycle: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: 0, max: 2 }), popAfter: fc.boolean() }), { maxLength: 200 }), (ops) => {
        const q = new EventQueue<number>();
        const popped: number[] = [];
        const pending: Array<{ cycle: number; priority: number; id: number }> = [];
        ops.forEach((op, id) => {
          q.push(op.cycle, id, op.priority);
          pending.push({ cycle: op.cycle, priority: op.priority, id });
          if (op.popAfter) {
            pending.sort((a, b) => a.cycle - b.cycle || a.priority - b.priority || a.id - b.id);
            expect(q.pop()).toBe(pending.shift()!.id);
          }
        });
        pending.sort((a, b) => a.cycle - b.cycle || a.priority - b.priority || a.id - b.id);
        while (q.size > 0) popped.push(q.pop()!);
        expect(popped).toEqual(pending.map((p) => p.id));
      }),
    );
  });
});
