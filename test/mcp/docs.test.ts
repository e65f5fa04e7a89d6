// docs/mcp.md documents every tool exactly as the table defines it: its section between the
// markers is rendered from src/mcp/tools.ts. PM_UPDATE_DOCS=1 rewrites it after a change.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toolReference } from '../../src/mcp/reference.js';
import { TOOLS } from '../../src/mcp/tools.js';

const DOC = fileURLToPath(new URL('../../docs/mcp.md', import.meta.url));
const BEGIN = '<!-- tools: rendered from src/mcp/tools.ts, do not edit -->\n';
const END = '<!-- end of tools -->';

describe('docs/mcp.md', () => {
  it('lists every tool, as the tool table defines it', () => {
    let text = readFileSync(DOC, 'utf8');
    const start = text.indexOf(BEGIN);
    expect(start).toBeGreaterThan(0);
    expect(text.indexOf(END)).toBeGreaterThan(start);
    const rendered = `${toolReference()}\n`;
    if (process.env.PM_UPDATE_DOCS === '1') {
      text = text.slice(0, start + BEGIN.length) + rendered + text.slice(text.indexOf(END));
      writeFileSync(DOC, text);
    }
    const end = text.indexOf(END);
    expect(text.slice(start + BEGIN.length, end)).toBe(rendered);
    for (const tool of TOOLS) expect(text).toContain(`### \`${tool.name}\``);
  });

  it('tells how to add pm to Claude Code, Cursor, VS Code and mcpServers JSON', () => {
    const text = readFileSync(DOC, 'utf8');
    expect(text).toContain('claude mcp add pm -- pm mcp');
    expect(text).toContain('.cursor/mcp.json');
    expect(text).toContain('.vscode/mcp.json');
    expect(text).toContain('"mcpServers"');
  });
});
