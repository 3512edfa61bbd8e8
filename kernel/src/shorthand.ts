// tslab's converter turns a reference to an earlier cell's variable `a` into `exports.a`, where the cells keep
// their variables, but it misses the shorthand property `{ a }`: it looks up the property's symbol rather than
// the variable's, so the cell fails at run time with "a is not defined". The engine hands the converter the
// cell with those properties spelled out, `{ a: a }`, and maps positions back so that compile errors and
// tracebacks still point at the cell as it was typed.
import * as ts from "@tslab/typescript-for-tslab";

export interface Position {
  /** Zero-based. */
  line: number;
  /** Zero-based. */
  character: number;
}

export interface ExpandedCell {
  source: string;
  /** Maps a position in `source` back to the cell as typed (a position inside inserted text maps to its insertion point). */
  toOriginal(position: Position): Position;
  /** The same for a character offset from the start of the cell. */
  toOriginalOffset(offset: number): number;
}

function parse(source: string): ts.SourceFile {
  return ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function bindingNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, into);
}

/** The names the earlier cells declared at top level: tslab keeps them as declarations (`declare const a: number;`, imports). */
export function earlierCellNames(declarations: string): Set<string> {
  const names = new Set<string>();
  for (const statement of parse(declarations).statements) {
    if (ts.isVariableStatement(statement)) for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, names);
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) names.add(statement.name.text);
    else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings) for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isImportEqualsDeclaration(statement)) names.add(statement.name.text);
  }
  return names;
}

/** `{ a }` → `{ a: a }` for every shorthand property whose name an earlier cell declared. */
export function expandShorthandProperties(source: string, earlierNames: ReadonlySet<string>): ExpandedCell {
  const insertions: { offset: number; text: string }[] = [];
  if (earlierNames.size > 0 && source.includes("{")) {
    const file = parse(source);
    const visit = (node: ts.Node): void => {
      if (ts.isShorthandPropertyAssignment(node) && earlierNames.has(node.name.text)) insertions.push({ offset: node.name.getStart(file), text: `${node.name.text}: ` });
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  if (insertions.length === 0) return { source, toOriginal: (position) => position, toOriginalOffset: (offset) => offset };
  let expanded = "";
  let last = 0;
  for (const { offset, text } of insertions) {
    expanded += source.slice(last, offset) + text;
    last = offset;
  }
  expanded += source.slice(last);
  // Per line of the cell: where text was inserted (original character) and how much.
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  const byLine = new Map<number, { character: number; length: number }[]>();
  for (const { offset, text } of insertions) {
    let line = lineStarts.length - 1;
    while (lineStarts[line] > offset) line--;
    const list = byLine.get(line) ?? [];
    list.push({ character: offset - lineStarts[line], length: text.length });
    byLine.set(line, list);
  }
  const back = (at: number, list: readonly { at: number; length: number }[]): number => {
    let shift = 0;
    for (const insertion of list) {
      const start = insertion.at + shift;
      if (at < start) break;
      if (at < start + insertion.length) return insertion.at;
      shift += insertion.length;
    }
    return at - shift;
  };
  const offsets = insertions.map(({ offset, text }) => ({ at: offset, length: text.length }));
  return {
    source: expanded,
    toOriginal: ({ line, character }) => ({ line, character: back(character, (byLine.get(line) ?? []).map((i) => ({ at: i.character, length: i.length }))) }),
    toOriginalOffset: (offset) => back(offset, offsets),
  };
}
