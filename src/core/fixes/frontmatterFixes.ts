/**
 * Fixes of frontmatter YAML that AutoPM reads as meant but YAML does not: a key written
 * more than once (the last is read, so the others go) and a value YAML misreads unquoted
 * (`name: Data layer: models`, `name: Fix #12 crash`), which gets quotes. Both keep every
 * value as AutoPM already reads it, so both are safe.
 */
import type { Diagnostic, DiagnosticData } from '../model';
import type { FrontmatterKey } from '../frontmatter';
import { findFrontmatter } from '../frontmatter';
import { applyEdits, formatYamlValue } from '../edits';
import { findKey, metadataKey, normaliseKeys } from '../parse/common';
import { yamlModule } from '../yamlModule';
import { commentStart } from '../yamlLines';
import type { FixContext, FixDraft } from './fixes';
import { deleteLines, fileChange, replaceOnLine, textLines } from './fixText';

type FrontmatterData = Extract<DiagnosticData, { code: 'frontmatter-malformed' }>;

export function frontmatterFixes(d: Diagnostic, data: FrontmatterData, context: FixContext): FixDraft[] {
  if (data.key === undefined) return [];
  const text = context.read(d.path);
  const out: FixDraft[] = [];
  const repeat = repeatedKeyFix(d.path, text, data.key);
  if (repeat) out.push(repeat);
  const quote = quoteFix(d.path, text, data.key, d.range.line);
  if (quote) out.push(quote);
  return out;
}

/** Keeps the line of a repeated key that is read (the last), and deletes the others. */
function repeatedKeyFix(path: string, text: string, key: string): FixDraft | undefined {
  const fm = findFrontmatter(text);
  if (!fm || fm.endLine === -1) return undefined;
  const name = metadataKey(key);
  const all = fm.keys.filter((k) => metadataKey(k.key) === name);
  if (all.length < 2) return undefined;
  const t = textLines(text);
  const kept = all[all.length - 1];
  const edits = all.slice(0, -1).map((k) => deleteLines(t, k.line, k.endLine));
  // The value read must stay what it was.
  const after = findFrontmatter(applyEdits(text, edits));
  const before = normaliseKeys(fm.data, fm.keys)[name];
  if (!after || JSON.stringify(normaliseKeys(after.data, after.keys)[name]) !== JSON.stringify(before)) return undefined;
  const others = all.length === 2 ? `line ${all[0].line + 1}` : `lines ${all.slice(0, -1).map((k) => k.line + 1).join(', ')}`;
  return {
    title: `Keep \`${kept.key}\` on line ${kept.line + 1} (the one read) and delete ${others}`,
    change: fileChange(path, edits),
    safe: true,
    preferred: true,
  };
}

/**
 * Quotes a one-line plain value that YAML reads otherwise than AutoPM does. Only the line
 * that counts (the key's last) is quoted: an earlier one is not read at all.
 */
function quoteFix(path: string, text: string, key: string, line: number): FixDraft | undefined {
  const fm = findFrontmatter(text);
  if (!fm || fm.endLine === -1) return undefined;
  const entry: FrontmatterKey | undefined = fm.keys.find((k) => k.line === line && k.key === key) ?? findKey(fm, key);
  if (!entry || entry !== findKey(fm, key) || entry.endLine !== entry.line) return undefined;
  const value = fm.data[entry.key];
  if (typeof value !== 'string' || value === '') return undefined;
  const t = textLines(text);
  const lineText = t.lines[entry.line];
  const rest = lineText.slice(entry.valueColumn);
  if (rest.startsWith('"') || rest.startsWith("'")) return undefined;
  const comment = commentStart(rest, entry.key);
  const written = (comment === -1 ? rest : rest.slice(0, comment)).trimEnd();
  if (written !== value || readsAs(written) === value) return undefined;
  const quoted = formatYamlValue(value);
  if (readsAs(quoted) !== value) return undefined;
  return {
    title: `Quote the value of \`${entry.key}\`: ${quoted}`,
    change: fileChange(path, [replaceOnLine(t, entry.line, entry.valueColumn, entry.valueColumn + written.length, quoted)]),
    safe: true,
    preferred: true,
  };
}

/** What YAML reads a value as, written alone after a key; undefined when it refuses it. */
function readsAs(value: string): unknown {
  try {
    const doc = yamlModule().parseDocument(`k: ${value}`, { prettyErrors: false, logLevel: 'silent' });
    if (doc.errors.length > 0) return undefined;
    const data = doc.toJS() as Record<string, unknown> | null;
    return data?.k;
  } catch {
    return undefined;
  }
}
