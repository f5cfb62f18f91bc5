// Runs dynalite (in memory) in its own process, so its work does not share the test's event
// loop: started by dynalite.ts with `fork`, it listens on 127.0.0.1 with a free port and
// sends `{ port }` to the parent. TransactWriteItems, which dynalite 4.0.0 lacks, is served by
// dynalite-transactions.cjs (Put, Update, Delete, ConditionCheck; all or nothing).
// With `--return-old`, conditional writes that ask for ReturnValuesOnConditionCheckFailure=ALL_OLD
// (which dynalite 4.0.0 ignores) get the item the condition failed on as `Item` in the
// ConditionalCheckFailedException, as DynamoDB does: dynalite's own condition check is wrapped
// (it runs under dynalite's item lock).
'use strict';
const path = require('node:path');

const dynaliteMain = require.resolve('dynalite');
const root = path.dirname(dynaliteMain);
const transactions = require('./dynalite-transactions.cjs').install(root);
if (process.argv.includes('--return-old')) {
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

const server = require(dynaliteMain)({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
transactions.serve(server);
server.listen(0, '127.0.0.1', () => {
  process.send({ port: server.address().port });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
