// Validates AsyncAPI documents with the official parser (@asyncapi/parser), offline: the AsyncAPI 3.0 JSON Schema
// ships inside @asyncapi/specs, a dependency of the parser, and references are resolved within each document.
//
//   node validate.mjs document.json [more.json ...]
//
// Prints one JSON line per document: {"file": ..., "valid": bool, "version": ..., "errors": [...], "warnings": [...]},
// and exits with 1 when any document has an error (severity 0 in the parser's diagnostics).
import { readFileSync } from 'node:fs';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

const parser = new Parser();
let failed = false;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const { document, diagnostics } = await parser.parse(text, { source: file });
  const errors = diagnostics.filter(d => d.severity === DiagnosticSeverity.Error);
  const warnings = diagnostics.filter(d => d.severity === DiagnosticSeverity.Warning);
  const describe = d => `${d.code}: ${d.message} at ${(d.path ?? []).join('/')}`;
  const valid = document !== undefined && errors.length === 0;
  failed ||= !valid;
  console.log(JSON.stringify({
    file,
    valid,
    version: document?.version() ?? null,
    channels: document ? document.channels().all().map(c => c.address()) : [],
    operations: document ? document.operations().all().length : 0,
    messages: document ? document.allMessages().all().length : 0,
    errors: errors.map(describe),
    warnings: warnings.map(describe),
  }));
}

process.exit(failed ? 1 : 0);
