// TransactWriteItems for dynalite 4.0.0 (which has none), answered as DynamoDB answers it, so
// the catalog's row + content claim and the resource store's commit + outbox are tested
// against a server that evaluates their conditions. Items: Put, Update, Delete, ConditionCheck.
// Every item's table, key and expressions are validated first (a malformed request is a
// ValidationException and touches nothing). Then the items' keys are locked with dynalite's
// own per-item locks, in one global order (so two transactions cannot deadlock, and a plain
// PutItem/UpdateItem/DeleteItem on one of the keys waits), each item's condition is checked
// and its new state computed against the stored item, and either every item is written or
// none is: TransactionCanceledException with one CancellationReason per item, in item order
// (`None`, `ConditionalCheckFailed` with the stored `Item` when the item asked for
// ReturnValuesOnConditionCheckFailure=ALL_OLD, `ValidationError` for an update the stored item
// cannot take). A transaction waits for the locks another one holds where DynamoDB would
// cancel with TransactionConflict: the outcome of the tests' races is the same (one writer
// wins) and they need no retry. ClientRequestToken makes a resent request idempotent for 10
// minutes, as on DynamoDB. Consumed capacity: twice the units of the plain write per item
// (DynamoDB's price of a transactional write). Not crash-atomic: dynalite is in memory.
'use strict';
const path = require('node:path');

const TARGET = 'DynamoDB_20120810.TransactWriteItems';
const MAX_ITEMS = 100;
const TOKEN_WINDOW_MS = 10 * 60 * 1000;
const KINDS = ['Put', 'Update', 'Delete', 'ConditionCheck'];

/** Captures dynalite's store; call before dynalite creates its server. `serve(server)` then takes its TransactWriteItems requests. */
function install(root) {
  const db = require(path.join(root, 'db'));
  const validations = require(path.join(root, 'validations'));
  const rules = {
    Put: require(path.join(root, 'validations', 'putItem')),
    Update: require(path.join(root, 'validations', 'updateItem')),
    Delete: require(path.join(root, 'validations', 'deleteItem')),
    // A ConditionCheck names a key and a condition, as a DeleteItem does.
    ConditionCheck: require(path.join(root, 'validations', 'deleteItem')),
  };
  const actions = {
    Put: require(path.join(root, 'actions', 'putItem')),
    Update: require(path.join(root, 'actions', 'updateItem')),
    Delete: require(path.join(root, 'actions', 'deleteItem')),
  };
  const crc32 = require(require.resolve('buffer-crc32', { paths: [root] }));
  let store;
  const create = db.create;
  db.create = function captureStore(options) {
    store = create.call(this, options);
    return store;
  };

  const call = (fn) => new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
  const bad = (message) => db.validationError(message);

  // One item, validated with dynalite's own rules for the matching single-item operation
  // (types, expressions parsed into `_condition` / `_updates`, unused names and values).
  function parse(entry, n) {
    const kinds = Object.keys(entry ?? {}).filter((k) => KINDS.includes(k) && entry[k] != null);
    if (kinds.length !== 1) throw bad('TransactItems can only contain one of Check, Put, Update or Delete');
    const kind = kinds[0];
    const body = entry[kind];
    const onFailure = body.ReturnValuesOnConditionCheckFailure;
    if (onFailure != null && onFailure !== 'ALL_OLD' && onFailure !== 'NONE') {
      throw bad(
        `1 validation error detected: Value '${String(onFailure)}' at 'transactItems.${n + 1}.member.${kind.charAt(0).toLowerCase()}${kind.slice(1)}.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
      );
    }
    if (kind === 'Update' && body.UpdateExpression == null) throw bad("The parameter 'UpdateExpression' is required but was not present in the request");
    if (kind === 'ConditionCheck' && body.ConditionExpression == null) {
      throw bad("The parameter 'ConditionExpression' is required but was not present in the request");
    }
    const data = validations.checkTypes({ ...body }, rules[kind].types);
    validations.checkValidations(data, rules[kind].types, rules[kind].custom, store);
    return { kind, data, returnOld: onFailure === 'ALL_OLD' };
  }

  async function target(item) {
    const table = await call((cb) => store.getTable(item.data.TableName, cb));
    const keyOf = item.kind === 'Put' ? item.data.Item : item.data.Key;
    const invalid = item.kind === 'Put' ? db.validateItem(keyOf, table) : db.validateKey(keyOf, table);
    if (invalid != null) throw invalid;
    return { ...item, table, itemDb: store.getItemDb(item.data.TableName), key: db.createKey(keyOf, table) };
  }

  function lockKey(itemDb, key) {
    // dynalite's release wraps a callback: calling the wrapped no-op frees the lock.
    return new Promise((resolve) => itemDb.lock(key, (release) => resolve(release(() => undefined))));
  }

  const getItem = (itemDb, key) =>
    new Promise((resolve, reject) => itemDb.get(key, (err, found) => (err && err.name !== 'NotFoundError' ? reject(err) : resolve(err ? undefined : found))));

  // dynalite's own single-item action run against a view of the store that holds the stored
  // item and keeps the write: its condition check, update expression and size limit decide,
  // and nothing is written until every item of the transaction passed.
  function plan(t) {
    if (t.kind === 'ConditionCheck') return Promise.resolve({ error: db.checkConditional(t.data, t.existing) ?? undefined, after: t.existing });
    let after = t.existing;
    const notFound = () => Object.assign(new Error('not found'), { name: 'NotFoundError' });
    const itemDb = {
      lock: (_key, fn) => fn((cb) => cb),
      get: (_key, cb) => (t.existing === undefined ? cb(notFound()) : cb(null, structuredClone(t.existing))),
      put: (_key, item, cb) => {
        after = item;
        cb();
      },
      del: (_key, cb) => {
        after = undefined;
        cb();
      },
    };
    const noIndex = { put: (_k, _v, cb) => cb(), del: (_k, cb) => cb() };
    const view = { options: store.options, getTable: store.getTable, getItemDb: () => itemDb, getIndexDb: () => noIndex };
    return new Promise((resolve) => actions[t.kind](view, { ...t.data }, (error) => resolve({ error: error ?? undefined, after })));
  }

  function reasonOf(t, error) {
    if (error === undefined) return { Code: 'None' };
    if (error.body?.__type?.endsWith('#ConditionalCheckFailedException')) {
      const reason = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
      if (t.returnOld && t.existing !== undefined) reason.Item = t.existing;
      return reason;
    }
    if (error.body?.__type?.endsWith('#ValidationException')) return { Code: 'ValidationError', Message: error.body.message };
    throw error;
  }

  function consumed(request, targets) {
    if (request.ReturnConsumedCapacity !== 'TOTAL' && request.ReturnConsumedCapacity !== 'INDEXES') return undefined;
    const byTable = new Map();
    for (const t of targets) {
      const c = db.addConsumedCapacity({ ReturnConsumedCapacity: 'TOTAL', TableName: t.table.TableName }, false, t.after ?? t.existing, t.existing);
      byTable.set(t.table.TableName, (byTable.get(t.table.TableName) ?? 0) + 2 * (c?.CapacityUnits ?? 1));
    }
    return [...byTable].map(([TableName, units]) => ({ TableName, CapacityUnits: units, WriteCapacityUnits: units }));
  }

  async function run(request) {
    const entries = request.TransactItems;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ITEMS) {
      throw bad(
        `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length ${Array.isArray(entries) && entries.length > MAX_ITEMS ? `less than or equal to ${MAX_ITEMS}` : 'greater than or equal to 1'}`,
      );
    }
    const targets = [];
    for (const [n, entry] of entries.entries()) {
      const t = await target(parse(entry, n));
      if (targets.some((o) => o.table.TableName === t.table.TableName && o.key === t.key)) {
        throw bad('Transaction request cannot include multiple operations on one item');
      }
      targets.push(t);
    }
    const order = [...targets].sort((a, b) => compare(a.table.TableName, b.table.TableName) || compare(a.key, b.key));
    const releases = [];
    try {
      for (const t of order) releases.push(await lockKey(t.itemDb, t.key));
      for (const t of targets) t.existing = await getItem(t.itemDb, t.key);
      const reasons = [];
      for (const t of targets) {
        const { error, after } = await plan(t);
        reasons.push(reasonOf(t, error));
        t.after = after;
      }
      if (reasons.some((r) => r.Code !== 'None')) throw cancelled(reasons);
      for (const t of targets) {
        if (t.kind === 'ConditionCheck') continue;
        await call((cb) => db.updateIndexes(store, t.table, t.existing, t.after ?? null, cb));
        if (t.after === undefined) await call((cb) => t.itemDb.del(t.key, cb));
        else await call((cb) => t.itemDb.put(t.key, t.after, cb));
      }
      const capacity = consumed(request, targets);
      return capacity === undefined ? {} : { ConsumedCapacity: capacity };
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  // A resent request (same ClientRequestToken) within the window gets the first answer
  // without running again; a different request under a used token is refused.
  const tokens = new Map();
  async function idempotent(request) {
    const token = request.ClientRequestToken;
    if (typeof token !== 'string') return run(request);
    const now = Date.now();
    // Oldest first (insertion order): stop at the first token still in its window.
    for (const [k, v] of tokens) {
      if (now - v.at <= TOKEN_WINDOW_MS) break;
      tokens.delete(k);
    }
    const { ClientRequestToken: _token, ReturnConsumedCapacity: _rc, ReturnItemCollectionMetrics: _rm, ...items } = request;
    const fingerprint = JSON.stringify(items);
    const seen = tokens.get(token);
    if (seen !== undefined) {
      if (seen.fingerprint !== fingerprint) {
        throw failure('IdempotentParameterMismatchException', 'Request parameters do not match the previous request with this client request token');
      }
      return seen.answer;
    }
    const answer = await run(request);
    tokens.set(token, { at: now, fingerprint, answer });
    return answer;
  }

  function send(res, status, data) {
    const body = JSON.stringify(data);
    res.statusCode = status;
    res.setHeader('x-amz-crc32', crc32.unsigned(body));
    res.setHeader('Content-Type', 'application/x-amz-json-1.0');
    res.setHeader('Content-Length', Buffer.byteLength(body, 'utf8'));
    res.setHeader('x-amzn-RequestId', `tx-${Date.now()}`);
    res.end(body);
  }

  function serve(server) {
    const [dynaliteHandler] = server.listeners('request');
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      if (req.headers['x-amz-target'] !== TARGET) return dynaliteHandler.call(server, req, res);
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        let request;
        try {
          request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(res, 400, { __type: 'com.amazon.coral.service#SerializationException' });
        }
        idempotent(request).then(
          (out) => send(res, 200, out),
          (err) =>
            err?.statusCode
              ? send(res, err.statusCode, err.body)
              : send(res, 500, { __type: 'com.amazon.coral.service#InternalFailure', message: String(err) }),
        );
      });
    });
  }

  return { serve };
}

const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function failure(type, message, extra = {}) {
  const err = new Error(message);
  err.statusCode = 400;
  err.body = { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra };
  return err;
}

function cancelled(reasons) {
  return failure(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    { CancellationReasons: reasons },
  );
}

module.exports = { install };
