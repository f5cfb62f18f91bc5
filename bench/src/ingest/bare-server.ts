/**
 * The reference of the ingest benchmark: a bare Node HTTP server that appends each request
 * body to one file and fdatasyncs it before answering 201 (one sync per request, no
 * grouping). It is the floor a durable ingest is compared with: what the disk gives a
 * server that does nothing else. Run as its own process; prints `listening on <url>`.
 */
import { close, fdatasync, open, write } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: bare-server.ts <folder>');

const fd = await new Promise<number>((resolve, reject) => open(path.join(dir, 'bare.log'), 'a', (err, f) => (err ? reject(err) : resolve(f))));

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    write(fd, body, (err) => {
      if (err) return res.writeHead(500).end();
      fdatasync(fd, (e) => {
        if (e) return res.writeHead(500).end();
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"status":"stored"}');
      });
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stderr.write(`listening on http://127.0.0.1:${a.port}\n`);
});
process.on('SIGTERM', () => server.close(() => close(fd, () => process.exit(0))));
