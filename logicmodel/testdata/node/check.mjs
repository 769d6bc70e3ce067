// check.mjs parses each Mermaid file named on the command line with the
// real Mermaid parser (mermaid.parse) under a jsdom window, and renders it
// to SVG text as far as jsdom allows. It prints one line per file and exits
// non-zero when any file fails to parse.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const k of ['Element', 'HTMLElement', 'SVGElement', 'Node', 'DOMParser', 'navigator']) {
  if (!(k in globalThis)) {
    Object.defineProperty(globalThis, k, { value: dom.window[k], configurable: true, writable: true });
  }
}

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  try {
    const res = await mermaid.parse(text);
    if (!res || res.diagramType !== 'flowchart-v2') {
      throw new Error(`unexpected diagram type ${res && res.diagramType}`);
    }
    console.log(`ok ${file} ${res.diagramType}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${file}: ${String(err && err.message || err).split('\n').join(' | ')}`);
  }
}
process.exit(failed ? 1 : 0);
