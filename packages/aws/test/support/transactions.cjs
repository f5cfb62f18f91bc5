// TransactWriteItems for dynalite 4.0.0 (which lacks it), Put items only, as DynamoDB runs
// them: every item's condition is checked against the stored item while all of the
// transaction's items are locked (dynalite's own per-item locks, taken in key order), and
// then all are written, or none is and the answer is TransactionCanceledException with one
// cancellation reason per item. Requests for other operations go to dynalite unchanged.
'use strict';
const path = require('node:path');

function serveTransactions(server, store, root) {
  const db = require(path.join(root, 'db'));
  const validations = require(path.join(root, 'validations'));
  const putValidation = require(path.join(root, 'validations', 'putItem'));
  // dynalite's own PutItem validation compiles the condition expression the check runs.
  const compile = (put) => {
    const data = validations.checkTypes(put, putValidation.types);
    validations.checkValidations(data, putValidation.types, putValidation.custom, store);
    return data;
  };
  const crc32 = require(require.resolve('buffer-crc32', { paths: [root] }));
  const [dynaliteHandler] = server.listeners('request');
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    if (!String(req.headers['x-amz-target'] ?? '').endsWith('.TransactWriteItems')) return dynaliteHandler.call(server, req, res);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      transactWrite(db, store, compile, JSON.parse(Buffer.concat(chunks).toString('utf8'))).then(
        (out) => send(res, crc32, out.status, out.body),
        (err) => send(res, crc32, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(err) }),
      );
    });
  });
}

function send(res, crc32, status, data) {
  const body = JSON.stringify(data);
  res.statusCode = status;
  res.setHeader('x-amz-crc32', crc32.unsigned(body));
  res.setHeader('Content-Type', 'application/x-amz-json-1.0');
  res.setHeader('Content-Length', Buffer.byteLength(body, 'utf8'));
  res.end(body);
}

const getTable = (store, name) => new Promise((resolve, reject) => store.getTable(name, (err, t) => (err ? reject(err) : resolve(t))));
const lock = (itemDb, key) => new Promise((resolve) => itemDb.lock(key, (release) => resolve(release)));
const getItem = (itemDb, key) =>
  new Promise((resolve, reject) => itemDb.get(key, (err, item) => (err && err.name !== 'NotFoundError' ? reject(err) : resolve(err ? undefined : item))));
const call = (fn) => new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

async function transactWrite(db, store, compile, data) {
  const items = [];
  for (const t of data.TransactItems ?? []) {
    if (t.Put === undefined)
      return { status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException', message: 'only Put items are supported here' } };
    const table = await getTable(store, t.Put.TableName);
    items.push({ put: compile(t.Put), table, itemDb: store.getItemDb(t.Put.TableName), key: db.createKey(t.Put.Item, table) });
  }
  const order = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const releases = [];
  try {
    for (const i of order) {
      const release = await lock(i.itemDb, i.key);
      releases.push(release);
    }
    const existing = await Promise.all(items.map((i) => getItem(i.itemDb, i.key)));
    const reasons = items.map((i, n) =>
      db.checkConditional(i.put, existing[n]) == null ? { Code: 'None' } : { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    );
    if (reasons.some((r) => r.Code !== 'None')) {
      return {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
          CancellationReasons: reasons,
        },
      };
    }
    for (const [n, i] of items.entries()) {
      await call((cb) => db.updateIndexes(store, i.table, existing[n], i.put.Item, cb));
      await call((cb) => i.itemDb.put(i.key, i.put.Item, cb));
    }
    // A transactional write is billed twice the units of a plain one (DynamoDB's pricing).
    if (data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES') {
      const byTable = new Map();
      for (const [n, i] of items.entries()) {
        const c = db.addConsumedCapacity({ ReturnConsumedCapacity: 'TOTAL', TableName: i.put.TableName }, false, existing[n], i.put.Item);
        byTable.set(i.put.TableName, (byTable.get(i.put.TableName) ?? 0) + 2 * (c?.CapacityUnits ?? 1));
      }
      return { status: 200, body: { ConsumedCapacity: [...byTable].map(([TableName, CapacityUnits]) => ({ TableName, CapacityUnits })) } };
    }
    return { status: 200, body: {} };
  } finally {
    // dynalite's release wraps a callback: calling the wrapped no-op frees the lock.
    for (const release of releases.reverse()) release(() => undefined)();
  }
}

module.exports = { serveTransactions };
