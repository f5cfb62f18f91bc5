// TransactWriteItems for dynalite 4.0.0 (which has no transactions), so the resource store's
// optimistic concurrency and its outbox are tested against a server that evaluates the
// conditions. Supported items: Put, Delete, ConditionCheck (Update is refused). Semantics as
// DynamoDB's for other clients: transactions run one at a time and hold dynalite's item lock
// of every key they touch, every condition is checked before anything is written, and a
// failed condition cancels the whole transaction (TransactionCanceledException with one
// CancellationReason per item). Not crash-atomic (dynalite is in memory for the tests).
'use strict';
const path = require('node:path');

const TARGET = 'DynamoDB_20120810.TransactWriteItems';

function install(root) {
  const db = require(path.join(root, 'db'));
  const validations = require(path.join(root, 'validations'));
  const putRules = require(path.join(root, 'validations', 'putItem'));
  const deleteRules = require(path.join(root, 'validations', 'deleteItem'));
  let store;
  const create = db.create;
  db.create = function captureStore(options) {
    store = create.call(this, options);
    return store;
  };

  const call = (fn) => new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

  // Parses one item with dynalite's own validations of PutItem / DeleteItem (types,
  // expression parsing into `_condition`).
  function parse(entry) {
    const [kind, body] = Object.entries(entry)[0] ?? [];
    if (kind === 'Put') {
      const data = validations.checkTypes({ ...body }, putRules.types);
      validations.checkValidations(data, putRules.types, putRules.custom, store);
      return { kind, data };
    }
    if (kind === 'Delete' || kind === 'ConditionCheck') {
      const data = validations.checkTypes({ ...body }, deleteRules.types);
      validations.checkValidations(data, deleteRules.types, deleteRules.custom, store);
      return { kind, data };
    }
    throw db.validationError(`transaction item ${String(kind)} is not supported by this test server`);
  }

  function lockKey(itemDb, key) {
    return new Promise((resolve) => itemDb.lock(key, (release) => resolve(release(() => undefined))));
  }

  async function run(request) {
    const items = (request.TransactItems ?? []).map(parse);
    const targets = [];
    for (const item of items) {
      const table = await call((cb) => store.getTable(item.data.TableName, cb));
      const itemDb = store.getItemDb(item.data.TableName);
      const key = db.createKey(item.kind === 'Put' ? item.data.Item : item.data.Key, table);
      if (targets.some((t) => t.table.TableName === table.TableName && t.key === key)) {
        throw db.validationError('Transaction request cannot include multiple operations on one item');
      }
      targets.push({ item, table, itemDb, key });
    }
    const releases = [];
    try {
      for (const t of targets) releases.push(await lockKey(t.itemDb, t.key));
      for (const t of targets) {
        t.existing = await new Promise((resolve, reject) =>
          t.itemDb.get(t.key, (err, found) => (err && err.name !== 'NotFoundError' ? reject(err) : resolve(err ? undefined : found))),
        );
      }
      const failed = targets.map((t) => db.checkConditional(t.item.data, t.existing) != null);
      if (failed.some(Boolean)) {
        const reasons = failed.map((f) => (f ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' } : { Code: 'None' }));
        const err = new Error('cancelled');
        err.statusCode = 400;
        err.body = {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
          CancellationReasons: reasons,
        };
        throw err;
      }
      for (const t of targets) {
        if (t.item.kind === 'Put') {
          await call((cb) => db.updateIndexes(store, t.table, t.existing, t.item.data.Item, cb));
          await call((cb) => t.itemDb.put(t.key, t.item.data.Item, cb));
        } else if (t.item.kind === 'Delete' && t.existing !== undefined) {
          await call((cb) => db.updateIndexes(store, t.table, t.existing, null, cb));
          await call((cb) => t.itemDb.del(t.key, cb));
        }
      }
      return {};
    } finally {
      for (const release of releases) release();
    }
  }

  // One transaction at a time: with every key of a transaction locked, none can deadlock another.
  let queue = Promise.resolve();
  const serialised = (request) => {
    const result = queue.then(() => run(request));
    queue = result.catch(() => undefined);
    return result;
  };

  function serve(server) {
    const [dynaliteHandler] = server.listeners('request');
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      if (req.headers['x-amz-target'] !== TARGET) return dynaliteHandler(req, res);
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const send = (status, body) => {
          res.statusCode = status;
          res.setHeader('content-type', 'application/x-amz-json-1.0');
          res.setHeader('x-amzn-requestid', `tx-${Date.now()}`);
          res.end(JSON.stringify(body));
        };
        let request;
        try {
          request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(400, { __type: 'com.amazon.coral.service#SerializationException' });
        }
        serialised(request).then(
          (out) => send(200, out),
          (err) =>
            err && err.statusCode ? send(err.statusCode, err.body) : send(500, { __type: 'com.amazon.coral.service#InternalFailure', message: String(err) }),
        );
      });
    });
  }

  return { serve };
}

module.exports = { install };
