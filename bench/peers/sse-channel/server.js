'use strict';
// sse-channel (npm) as a peer of Herald for bench/run.sh, on loopback.
//
//   node server.js PORT [HISTORY]      (PORT 0: any free port; HISTORY: events kept per channel, 1000)
//
// Routes, the same shape Nchan's peer config has:
//   POST /pub/<channel>   the body (text) becomes one event with the next numeric id of that channel
//                         (1, 2, ...), kept in the channel's history; 201 with the id
//   GET  /sub/<channel>   an EventSource stream of that channel (one SseChannel instance per channel);
//                         Last-Event-ID (header, or ?lastEventId=) replays the newer events from history
//   GET  /ready           200 once listening
// One channel per stream: sse-channel writes the response head itself in addClient(), so one
// response cannot join two channels; /sub/a,b is a 400.
//
// Once listening it prints one line on stdout: pid=<pid> port=<port>
const http = require('http');
const SseChannel = require('sse-channel');

const port = Number(process.argv[2] || 0);
const historySize = Number(process.argv[3] || 1000);
if (!Number.isInteger(port) || port < 0 || !Number.isInteger(historySize) || historySize < 1) {
  console.error('usage: node server.js PORT [HISTORY]');
  process.exit(2);
}

/** name -> { channel: SseChannel, seq: last id given } */
const channels = new Map();

function channelOf(name) {
  let c = channels.get(name);
  if (!c) {
    c = {
      channel: new SseChannel({ historySize, jsonEncode: false, pingInterval: 15000 }),
      seq: 0,
    };
    channels.set(name, c);
  }
  return c;
}

function reply(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function channelName(path, prefix) {
  const raw = path.slice(prefix.length);
  if (!raw || raw.includes('/')) {
    return null;
  }
  try {
    return decodeURIComponent(raw);
  } catch (e) {
    return null;
  }
}

const server = http.createServer((req, res) => {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (req.method === 'POST' && path.startsWith('/pub/')) {
    const name = channelName(path, '/pub/');
    if (name === null) {
      req.resume();
      reply(res, 404, 'no channel\n');
      return;
    }
    const chunks = [];
    req.on('data', (b) => chunks.push(b));
    req.on('end', () => {
      const c = channelOf(name);
      const id = ++c.seq;
      c.channel.send({ id, data: Buffer.concat(chunks).toString('utf8') });
      reply(res, 201, id + '\n');
    });
    return;
  }
  if (req.method === 'GET' && path.startsWith('/sub/')) {
    const name = channelName(path, '/sub/');
    if (name === null || name.includes(',')) {
      reply(res, 400, 'one channel per stream: GET /sub/<channel>\n');
      return;
    }
    channelOf(name).channel.addClient(req, res);
    return;
  }
  if (req.method === 'GET' && path === '/ready') {
    reply(res, 200, 'ok\n');
    return;
  }
  req.resume();
  reply(res, 404, 'not found\n');
});

// The load tool keeps its publisher connections open for the whole run, pipelined.
server.keepAliveTimeout = 3600 * 1000;
server.headersTimeout = 3601 * 1000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

server.on('clientError', (err, socket) => {
  if (socket.writable) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  } else {
    socket.destroy();
  }
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`pid=${process.pid} port=${server.address().port}\n`);
});

function shutdown() {
  for (const c of channels.values()) {
    c.channel.close();
  }
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
