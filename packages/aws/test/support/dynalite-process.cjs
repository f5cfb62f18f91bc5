// Runs dynalite (in memory) in its own process, so its work does not share the test's event
// loop: started by dynalite.ts with `fork`, it listens on 127.0.0.1 with a free port and
// sends `{ port }` to the parent. It also serves TransactWriteItems (transactions.cjs). With `--return-old`, conditional writes that ask for
// ReturnValuesOnConditionCheckFailure=ALL_OLD (which dynalite 4.0.0 ignores) get the item
// the condition failed on as `Item` in the ConditionalCheckFailedException, as DynamoDB
// does: dynalite's own condition check is wrapped (it runs under dynalite's item lock).
// With `--transactions`, TransactWriteItems (which dynalite 4.0.0 lacks) is served by
// dynalite-transactions.cjs: Put, Delete and ConditionCheck items, all or nothing.
'use strict';
const path = require('node:path');

const dynaliteMain = require.resolve('dynalite');
const transactions = process.argv.includes('--transactions') ? require('./dynalite-transactions.cjs').install(path.dirname(dynaliteMain)) : undefined;
if (process.argv.includes('--return-old')) {
  const root = path.dirname(dynaliteMain);
  const db = require(path.join(root, 'db'));
  // dynalite drops request fields its validations do not declare.
  for (const action of ['putItem', 'updateItem', 'deleteItem']) {
    require(path.join(root, 'validations', action)).types.ReturnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  const check = db.checkConditional;
  db.checkConditional = function checkConditional(data, existingItem) {
    const err = check.call(this, data, existingItem);
    if (err && err.body && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && existingItem !== undefined) err.body.Item = existingItem;
    return err;
  };
}

// dynalite 4.0.0 has no TransactWriteItems (the catalog writes a row and its content claim
// in one): the Put items of one are checked and written under dynalite's own item locks,
// all or none (see transactions.cjs).
let store;
{
  const db = require(path.join(path.dirname(dynaliteMain), 'db'));
  const create = db.create;
  db.create = function createStore(options) {
    store = create.call(this, options);
    return store;
  };
}

const server = require(dynaliteMain)({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
// Two TransactWriteItems servers: the full one (Put, Delete, ConditionCheck) on request, else
// the Put-only one that also reports consumed capacity (the cost tests count units).
if (transactions !== undefined) transactions.serve(server);
else require('./transactions.cjs').serveTransactions(server, store, path.dirname(dynaliteMain));
server.listen(0, '127.0.0.1', () => {
  process.send({ port: server.address().port });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
