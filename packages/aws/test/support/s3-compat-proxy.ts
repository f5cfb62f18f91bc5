import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectTaggingCommand, type S3Client, type _Object } from '@aws-sdk/client-s3';

/**
 * A loopback proxy in front of s3rver that supplies the three S3 behaviours s3rver 3.7.1
 * lacks, so the ObjectStore contract can run over real HTTP with the real SDK:
 *
 * 1. `x-amz-tagging` on PutObject: s3rver ignores the header. After a successful PUT the
 *    proxy sets the object's tags to exactly those of the header (PutObjectTagging, an empty
 *    set when the header is absent), as S3 does atomically with the object.
 * 2. `If-None-Match: *` on PutObject: s3rver ignores it on writes. The proxy serializes puts
 *    per key and answers 412 PreconditionFailed when the key exists, as S3 does.
 * 3. ListObjectsV2 order: s3rver walks folders (`a/x` before `a-1`); S3 lists in UTF-8 byte
 *    order. The proxy lists the prefix from s3rver, sorts it and pages it (max-keys,
 *    start-after, continuation-token) itself.
 *
 * 4. CopyObject: s3rver reads `x-amz-copy-source` with decodeURI, which leaves `%3D` (`=`, in
 *    every zone key) encoded, and ignores `If-None-Match` and the tagging of the copy. The
 *    proxy answers 412 when the target exists (If-None-Match), hands s3rver the source in the
 *    form it can read, and sets the copy's tags as `x-amz-tagging` (REPLACE) says.
 *
 * Everything else is forwarded unchanged. The S3ObjectStore's requests for these features
 * are also asserted byte-for-byte with aws-sdk-client-mock (s3-object-store.requests.test.ts).
 */
export async function startS3CompatProxy(upstream: string, direct: S3Client): Promise<{ endpoint: string; close(): Promise<void> }> {
  const locks = new Map<string, Promise<unknown>>();
  const serialized = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const run = (locks.get(key) ?? Promise.resolve()).then(work, work);
    locks.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://proxy');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const subresource = [...url.searchParams.keys()].some((k) => k !== 'x-id');
    if (req.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
      await listSorted(decodeURIComponent(bucket), url.searchParams, res);
      return;
    }
    if (req.method === 'PUT' && key !== '' && !subresource) {
      const write = req.headers['x-amz-copy-source'] === undefined ? putObject : copyObject;
      await serialized(`${bucket}/${key}`, () => write(decodeURIComponent(bucket), key, req, body, res));
      return;
    }
    const upstreamRes = await forward(req, body);
    // A HEAD answer has no body but the object's Content-Length: keep it.
    reply(res, upstreamRes.status, upstreamRes.headers, upstreamRes.body, req.method === 'HEAD');
  }

  async function preconditionFailed(bucket: string, key: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.headers['if-none-match'] !== '*' || !(await exists(bucket, key))) return false;
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>';
    reply(res, 412, { 'content-type': 'application/xml' }, Buffer.from(xml));
    return true;
  }

  /** Sets the object's tags to those of the request's `x-amz-tagging` (none when absent). */
  async function tagAsRequested(bucket: string, key: string, req: IncomingMessage): Promise<void> {
    const header = req.headers['x-amz-tagging'];
    const params = new URLSearchParams(typeof header === 'string' ? header : '');
    const TagSet = [...params.entries()].map(([Key, Value]) => ({ Key, Value }));
    await direct.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet } }));
  }

  async function putObject(bucket: string, key: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    if (await preconditionFailed(bucket, key, req, res)) return;
    const up = await forward(req, body);
    if (up.status === 200) await tagAsRequested(bucket, key, req);
    reply(res, up.status, up.headers, up.body);
  }

  async function copyObject(bucket: string, key: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    if (await preconditionFailed(bucket, key, req, res)) return;
    const source = String(req.headers['x-amz-copy-source']);
    // Fully decoded, then encoded so that s3rver's decodeURI gives the key back.
    req.headers['x-amz-copy-source'] = encodeURI(source.split('/').map(decodeURIComponent).join('/'));
    const up = await forward(req, body);
    if (up.status === 200 && req.headers['x-amz-tagging-directive'] === 'REPLACE') await tagAsRequested(bucket, key, req);
    reply(res, up.status, up.headers, up.body);
  }

  async function exists(bucket: string, key: string): Promise<boolean> {
    try {
      await direct.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw err;
    }
  }

  async function listSorted(bucket: string, q: URLSearchParams, res: ServerResponse): Promise<void> {
    const prefix = q.get('prefix') ?? '';
    const all = await direct.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }));
    if (all.IsTruncated === true) throw new Error('s3 compat proxy lists at most 1000 keys per prefix');
    const bytes = (k: string): Buffer => Buffer.from(k, 'utf8');
    const objects = [...(all.Contents ?? [])].sort((a, b) => Buffer.compare(bytes(a.Key ?? ''), bytes(b.Key ?? '')));
    const token = q.get('continuation-token');
    const after = token !== null ? Buffer.from(token, 'base64url').toString('utf8') : (q.get('start-after') ?? '');
    const maxKeys = Number(q.get('max-keys') ?? 1000);
    const remaining = objects.filter((o) => Buffer.compare(bytes(o.Key ?? ''), bytes(after)) > 0);
    const page = remaining.slice(0, maxKeys);
    const truncated = remaining.length > page.length;
    const urlEncode = q.get('encoding-type') === 'url';
    const k = (s: string): string => xml(urlEncode ? encodeURIComponent(s) : s);
    const contents = page.map(
      (o: _Object) =>
        `<Contents><Key>${k(o.Key ?? '')}</Key><LastModified>${(o.LastModified ?? new Date()).toISOString()}</LastModified><ETag>${xml(o.ETag ?? '')}</ETag><Size>${o.Size ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    );
    const last = page[page.length - 1]?.Key;
    const out = [
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${xml(bucket)}</Name><Prefix>${k(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`,
      urlEncode ? '<EncodingType>url</EncodingType>' : '',
      token !== null ? `<ContinuationToken>${xml(token)}</ContinuationToken>` : '',
      truncated && last !== undefined ? `<NextContinuationToken>${Buffer.from(last, 'utf8').toString('base64url')}</NextContinuationToken>` : '',
      ...contents,
      '</ListBucketResult>',
    ].join('');
    reply(res, 200, { 'content-type': 'application/xml' }, Buffer.from(out));
  }

  function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    const target = new URL(upstream);
    return new Promise((resolve, reject) => {
      const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        readBody(r).then((b) => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: b }), reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, headers: Record<string, string | string[] | undefined>, body: Buffer, keepLength = false): void {
  const h: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && k !== 'transfer-encoding' && k !== 'connection') h[k] = v;
  if (!keepLength) h['content-length'] = String(body.byteLength);
  res.writeHead(status, h);
  res.end(body);
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
