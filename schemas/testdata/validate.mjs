// Validates JSON documents against one of hpi's JSON Schemas (draft
// 2020-12) with Ajv, using the pinned harness of dashboardspec/testdata/node
// (no npm install of its own).
//
//   node schemas/testdata/validate.mjs schema.json document.json...
//
// Every *.schema.json next to the schema is added first, so that relative
// references between them (framework → indicator-set) resolve. Prints one
// JSON line per document, {file, valid, errors}; exits 1 when any is
// invalid, 2 on a usage error or a schema Ajv rejects.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const harness = resolve(here, '../../dashboardspec/testdata/node/');
const require = createRequire(join(harness, 'package.json'));
const Ajv2020 = require('ajv/dist/2020.js').default;
const addFormats = require('ajv-formats').default;

const [schemaFile, ...docs] = process.argv.slice(2);
if (!schemaFile) {
  process.stderr.write('usage: node validate.mjs schema.json document.json...\n');
  process.exit(2);
}
// strictRequired is off: the schemas say "one of these keys" with required
// inside anyOf, oneOf and not, where the properties are declared a level up.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
let validate;
try {
  const dir = dirname(resolve(schemaFile));
  const main = JSON.parse(readFileSync(schemaFile, 'utf8'));
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.schema.json')).sort()) {
    const s = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    if (s.$id !== main.$id) ajv.addSchema(s);
  }
  validate = ajv.compile(main);
} catch (e) {
  process.stderr.write(`${schemaFile}: ${e.message}\n`);
  process.exit(2);
}
let failed = 0;
for (const file of docs) {
  const valid = validate(JSON.parse(readFileSync(file, 'utf8')));
  const errors = valid ? [] : validate.errors.slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  if (!valid) failed++;
  process.stdout.write(JSON.stringify({ file, valid, errors }) + '\n');
}
process.exitCode = failed > 0 ? 1 : 0;
