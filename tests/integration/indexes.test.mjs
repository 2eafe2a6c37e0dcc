// The schema keeps one index per purpose (migrations/016_indexes.sql): no table has two
// indexes on the same columns or expressions, with the same predicate, operator classes,
// collations and options, as the migrations leave the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from './lib.mjs';

test('no two indexes of a table are exact duplicates', () => {
  const dups = sql(`
    SELECT a.indexrelid::regclass || ' = ' || b.indexrelid::regclass
    FROM pg_index a
    JOIN pg_index b ON b.indrelid = a.indrelid AND b.indexrelid > a.indexrelid
    JOIN pg_class c ON c.oid = a.indrelid
    WHERE c.relnamespace = current_schema()::regnamespace
      AND a.indkey::text = b.indkey::text
      AND a.indclass::text = b.indclass::text
      AND a.indcollation::text = b.indcollation::text
      AND a.indoption::text = b.indoption::text
      AND (SELECT amname FROM pg_am m JOIN pg_class i ON i.relam = m.oid WHERE i.oid = a.indexrelid) =
          (SELECT amname FROM pg_am m JOIN pg_class i ON i.relam = m.oid WHERE i.oid = b.indexrelid)
      AND coalesce(pg_get_expr(a.indexprs, a.indrelid), '') = coalesce(pg_get_expr(b.indexprs, b.indrelid), '')
      AND coalesce(pg_get_expr(a.indpred, a.indrelid), '') = coalesce(pg_get_expr(b.indpred, b.indrelid), '')
    ORDER BY 1`);
  assert.equal(dups, '', `duplicate indexes:\n${dups}`);
});
