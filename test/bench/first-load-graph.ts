import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The app's modules the entry reaches through static imports: what the production build puts in
 * the JavaScript loaded before the first map (first-load.ts measures it). Type-only imports and
 * dynamic `import()` are not followed; packages are listed by name. Paths are relative to `root`.
 */
export function staticallyReached(root: string, entry: string): Set<string> {
  const reached = new Set<string>();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const name = relative(root, file);
    if (reached.has(name)) continue;
    reached.add(name);
    for (const spec of staticImports(file)) {
      if (!spec.startsWith('.')) reached.add(spec);
      else {
        const target = resolve(dirname(file), spec.replace(/\?.*$/, ''));
        if (/\.(ts|tsx)$/.test(target) && existsSync(target)) queue.push(target);
      }
    }
  }
  return reached;
}

function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const out: string[] = [];
  for (const node of source.statements) {
    if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) continue;
    const spec = node.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || typeOnly(node)) continue;
    out.push(spec.text);
  }
  return out;
}

function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}
