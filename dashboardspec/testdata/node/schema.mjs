// Validates dashboardspec documents (JSON) against the shipped JSON Schema
// (draft 2020-12) with Ajv.
//
//   node schema.mjs schema.json document.json...
//
// Prints one JSON line per document: {file, valid, errors}.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const [schemaFile, ...docs] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
let failed = 0;
for (const file of docs) {
  const valid = validate(JSON.parse(readFileSync(file, 'utf8')));
  const errors = valid ? [] : validate.errors.slice(0, 20).map((e) => `${e.instancePath} ${e.message}`);
  if (!valid) failed++;
  process.stdout.write(JSON.stringify({ file, valid, errors }) + '\n');
}
process.exitCode = failed > 0 ? 1 : 0;
