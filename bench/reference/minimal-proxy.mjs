// The reference Node proxy the issue names: node:http in front, undici's stream() behind.
import { createServer } from 'node:http';
import { Pool } from 'undici';
const [listenPort, upstreamPort] = process.argv.slice(2).map(Number);
const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 128, pipelining: 1 });
createServer((req, res) => {
  pool
    .stream({ path: req.url, method: req.method, headers: req.headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req }, ({ statusCode, headers }) => {
      res.writeHead(statusCode, headers);
      return res;
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
}).listen(listenPort, '127.0.0.1', () => process.stdout.write('ready\n'));
