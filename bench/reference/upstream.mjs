// The benchmark upstream: a minimal keep-alive HTTP server answering a small JSON body.
import { createServer } from 'node:http';
const port = Number(process.argv[2]);
const body = Buffer.from('{"ok":true,"service":"bench-upstream"}');
createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
