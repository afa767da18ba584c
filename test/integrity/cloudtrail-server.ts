/**
 * A loopback CloudTrail endpoint speaking AWS JSON 1.1, enough for ListPublicKeys: the region
 * comes from the SigV4 credential scope (keys are per region), NextToken pages the list, and a
 * configurable number of first calls are throttled so the SDK's retry path runs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningKey } from './fixture';

export interface KeyCall {
  region: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
}

export interface CloudTrailLoopback {
  url: string;
  calls: KeyCall[];
  /** Requests answered with ThrottlingException. */
  throttled(): number;
  close(): Promise<void>;
}

/** A key with its own validity; a bare key gets the server's default validity. */
export type ListedKey = SigningKey | { key: SigningKey; from: Date; to: Date };

export async function startCloudTrail(opts: { keys: Record<string, ListedKey[]>; throttleFirst?: number; validity: [Date, Date] }): Promise<CloudTrailLoopback> {
  const calls: KeyCall[] = [];
  let throttled = 0;
  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${calls.length}` });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const scope = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/cloudtrail\/aws4_request/.exec(String(req.headers.authorization ?? ''));
      if (req.method !== 'POST' || !scope) return reply(res, 400, { __type: 'MissingAuthenticationTokenException', message: 'unsigned request' });
      // The SDK for JS sends the short target; botocore's current model sends the fully qualified one.
      if (!/^(?:com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\.ListPublicKeys$/.test(target)) return reply(res, 400, { __type: 'UnknownOperationException', message: target });
      if (throttled < (opts.throttleFirst ?? 0)) {
        throttled++;
        return reply(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { StartTime?: number; EndTime?: number; NextToken?: string };
      const region = scope[1];
      calls.push({ region, startTime: body.StartTime, endTime: body.EndTime, nextToken: body.NextToken });
      // Like the service: only keys whose validity overlaps [StartTime, EndTime] (both optional).
      const from = body.StartTime !== undefined ? body.StartTime * 1000 : Date.now();
      const to = body.EndTime !== undefined ? body.EndTime * 1000 : Date.now();
      const keys = (opts.keys[region] ?? [])
        .map((k) => ('key' in k ? k : { key: k, from: opts.validity[0], to: opts.validity[1] }))
        .filter((k) => k.from.getTime() <= to && k.to.getTime() >= from);
      // One key per page, so a region with two keys needs the NextToken loop.
      const page = body.NextToken ? Number(body.NextToken) : 0;
      const k = keys[page];
      reply(res, 200, {
        PublicKeyList: k
          ? [{ Value: k.key.der.toString('base64'), ValidityStartTime: k.from.getTime() / 1000, ValidityEndTime: k.to.getTime() / 1000, Fingerprint: k.key.fingerprint }]
          : [],
        ...(page + 1 < keys.length ? { NextToken: String(page + 1) } : {}),
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    throttled: () => throttled,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
