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
export declare function positionOf(id: string | null | undefined): Position | null;
/**
 * Drops what a tab already handed to the page: per channel, the last position delivered. An event at or
 * below it in the same epoch is a repeat (a new leader resuming, history overlapping live events).
 */
export declare class Delivered {
    private readonly last;
    /** True when the event is new for this tab (and records it). */
    accept(channel: string, id: string): boolean;
    /** After a gap, whatever comes next is taken. */
    forget(channel: string): void;
}
