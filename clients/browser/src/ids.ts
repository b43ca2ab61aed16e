/**
 * Herald's event ids, read just far enough to order events of one channel: base64url of a version
 * byte 1, then per channel a 6-byte key and three unsigned LEB128 numbers (epoch, sequence number,
 * publish time). An event's own id covers its channel only.
 */
export interface Position {
  epoch: number;
  seq: number;
}

/** The position an event's own id names, or `null` when it is not one. */
export function positionOf(id: string | null | undefined): Position | null {
  if (!id) {
    return null;
  }
  let bytes: string;
  try {
    bytes = atob(id.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((id.length + 3) % 4));
  } catch (notBase64) {
    return null;
  }
  if (bytes.length < 10 || bytes.charCodeAt(0) !== 1) {
    return null;
  }
  const at = { i: 7 };
  const epoch = varint(bytes, at);
  const seq = varint(bytes, at);
  return epoch === null || seq === null ? null : { epoch, seq };
}

function varint(bytes: string, at: { i: number }): number | null {
  let value = 0;
  let scale = 1;
  while (at.i < bytes.length) {
    const b = bytes.charCodeAt(at.i++);
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      return value;
    }
    scale *= 128;
  }
  return null;
}

/**
 * Drops what a tab already handed to the page: per channel, the last position delivered. An event at or
 * below it in the same epoch is a repeat (a new leader resuming, history overlapping live events).
 */
export class Delivered {
  private readonly last = new Map<string, Position>();

  /** True when the event is new for this tab (and records it). */
  accept(channel: string, id: string): boolean {
    const p = positionOf(id);
    if (!p) {
      return true;
    }
    const before = this.last.get(channel);
    if (before && before.epoch === p.epoch && p.seq <= before.seq) {
      return false;
    }
    this.last.set(channel, p);
    return true;
  }

  /** After a gap, whatever comes next is taken. */
  forget(channel: string): void {
    this.last.delete(channel);
  }
}
