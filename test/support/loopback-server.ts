import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 (a free port) that hands each request's whole body to `handle`; a
 * throw becomes a 500 with an AWS-style `InternalFailure`, so a bug in a test server shows as an
 * error the SDK reports, not a hung request.
 */
export async function listenLoopback(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, Buffer.concat(chunks).toString('utf8'), res);
      } catch (e) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'InternalFailure', message: String(e) }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
