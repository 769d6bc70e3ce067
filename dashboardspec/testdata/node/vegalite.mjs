// Checks Vega-Lite specs: each validates against the official Vega-Lite
// JSON Schema (build/vega-lite-schema.json of the vega-lite package, draft-07,
// checked with Ajv), compiles with vega-lite without warnings, and renders
// to SVG with vega (the same steps as vega-lite's bin/vl2svg). Writes the
// SVG next to the spec (name.svg) when --svg is given.
//
//   node vegalite.mjs [--svg] spec.vl.json...
//
// Prints one JSON line per spec: {file, valid, schemaErrors, warnings, svgBytes, marks, error}.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import * as vega from 'vega';
import { compile } from 'vega-lite';

const here = dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(readFileSync(join(here, 'node_modules/vega-lite/build/vega-lite-schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
addFormats(ajv);
ajv.addFormat('color-hex', /^#(?:[0-9a-fA-F]{3}){1,2}$/);
const validate = ajv.compile(schema);

const args = process.argv.slice(2);
const writeSVG = args.includes('--svg');
let failed = 0;
for (const file of args.filter((a) => a !== '--svg')) {
  const out = { file, valid: false, schemaErrors: [], warnings: [], svgBytes: 0, marks: 0 };
  try {
    const spec = JSON.parse(readFileSync(file, 'utf8'));
    out.valid = validate(spec);
    if (!out.valid) {
      out.schemaErrors = validate.errors.slice(0, 10).map((e) => `${e.instancePath} ${e.message}`);
    }
    const logger = {
      level() { return this; },
      warn(...m) { out.warnings.push(m.join(' ')); return this; },
      info() { return this; },
      debug() { return this; },
      error(...m) { out.warnings.push('error: ' + m.join(' ')); return this; },
    };
    const vg = compile(spec, { logger }).spec;
    const view = new vega.View(vega.parse(vg), { renderer: 'none', logLevel: vega.Warn });
    view.logger({ level() { return this; }, warn(...m) { out.warnings.push(m.join(' ')); return this; }, info() { return this; }, debug() { return this; }, error(...m) { out.warnings.push('error: ' + m.join(' ')); return this; } });
    const svg = await view.toSVG();
    view.finalize();
    out.svgBytes = svg.length;
    out.marks = (svg.match(/<path|<line|<rect|<circle/g) || []).length;
    if (writeSVG) writeFileSync(file.replace(/\.json$/, '') + '.svg', svg);
  } catch (err) {
    out.error = String(err && err.stack ? err.stack : err);
  }
  if (!out.valid || out.error || out.warnings.length > 0 || out.svgBytes === 0) failed++;
  process.stdout.write(JSON.stringify(out) + '\n');
}
process.exitCode = failed > 0 ? 1 : 0;
