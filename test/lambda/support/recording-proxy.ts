import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One S3 REST call as it crossed the wire: what an IAM policy is judged against. */
export interface S3Call {
  op: 'GetObject' | 'HeadObject' | 'PutObject' | 'ListObjectsV2' | 'Other';
  bucket: string;
  key: string;
  status: number;
  /** ListObjectsV2's prefix. */
  prefix?: string;
  /** x-amz-server-side-encryption and its key id, as sent. */
  sse?: string;
  sseKey?: string;
}

function classify(method: string, path: string, query: URLSearchParams): Pick<S3Call, 'op' | 'bucket' | 'key' | 'prefix'> {
  const [, bucket = '', ...rest] = decodeURIComponent(path).split('/');
  const key = rest.join('/');
  if (!key && method === 'GET' && query.get('list-type') === '2') return { op: 'ListObjectsV2', bucket, key, prefix: query.get('prefix') ?? '' };
  if (key && method === 'GET') return { op: 'GetObject', bucket, key };
  if (key && method === 'HEAD') return { op: 'HeadObject', bucket, key };
  if (key && method === 'PUT') return { op: 'PutObject', bucket, key };
  return { op: 'Other', bucket, key };
}

/**
 * A pass-through in front of s3rver (path-style requests) that records every call, so a test can
 * hold the functions' IAM policies to the S3 calls the handlers really made.
 */
export class RecordingProxy {
  readonly calls: S3Call[] = [];
  endpoint = '';
  private server?: Server;

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    const t = new URL(this.target);
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const call = classify(req.method ?? 'GET', url.pathname, url.searchParams);
      const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        const sse = req.headers['x-amz-server-side-encryption'];
        const sseKey = req.headers['x-amz-server-side-encryption-aws-kms-key-id'];
        this.calls.push({ ...call, status: r.statusCode ?? 0, ...(sse ? { sse: String(sse) } : {}), ...(sseKey ? { sseKey: String(sseKey) } : {}) });
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.endpoint = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}
