// Compiled (not run) by `npm run check` against the published types, resolved through package.json's
// "exports" as a user's project resolves them: the API a page writes against.
import Herald, { connect, subscribe, type HeraldClient, type HeraldError, type HeraldEvent, type SessionInfo } from '@herald/browser';

const sub = Herald.subscribe(['scores', 'chat'], {
  onGap: (channel: string, reason: string) => console.log(channel, reason),
  onError: (e: HeraldError) => console.log(e.cause, e.retryInMs)
});
sub.on<{ minute: number }>('goal', (data, e: HeraldEvent<{ minute: number }>) => {
  const minute: number = data.minute;
  const channel: string = e.channel;
  const name: string | null = e.event;
  console.log(minute, channel, name, e.id);
});
sub.on('*', (data: unknown) => console.log(data)).off('*');
sub.unsubscribe('chat');
subscribe('other').close();

const client: HeraldClient = connect({ url: 'https://rt.example.com', token: async () => 'a.jwt.token', shareTabs: true });
client.on('state', (s) => {
  const state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' = s;
  console.log(state);
});
client.on('error', (e) => e.cause === 'cors' || e.cause === 'auth' || e.cause === 'offline');
client.heartbeatStart({ meta: { page: '/' } }).then((s: SessionInfo) => s.sessionId + s.state + s.beatDelay);
Herald.configure({ url: 'https://rt.example.com' });
// @ts-expect-error: connection states are named, not numbered
client.on('state', (s: number) => s);
// @ts-expect-error: a subscription needs channel names
Herald.subscribe(42);
