// The tools section of docs/mcp.md, rendered from the tool table: the doc cannot drift from
// what tools/list says (test/mcp/docs.test.ts compares them).
import * as z from 'zod/v4';
import { TOOLS, type ToolSpec } from './tools.js';

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
}

function typeName(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeName).join(' \\| ');
  if (schema.type === 'array' && schema.items) return `${typeName(schema.items)}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  return (schema.type as string | undefined) ?? 'any';
}

function fields(shape: z.ZodRawShape, withRequired: boolean): string[] {
  const schema = z.toJSONSchema(z.object(shape), { io: 'input' }) as JsonSchema;
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const optional = withRequired && !(schema.required ?? []).includes(name) ? ' (optional)' : '';
    const about = property.description ? `: ${property.description}` : '';
    return `- \`${name}\` ${typeName(property)}${optional}${about}`;
  });
}

function hints(spec: ToolSpec): string {
  const { readOnlyHint, destructiveHint, idempotentHint } = spec.annotations;
  return [
    readOnlyHint ? 'read-only' : 'changes things',
    ...(destructiveHint ? ['destructive'] : []),
    idempotentHint ? 'idempotent' : 'not idempotent',
  ].join(', ');
}

export function toolReference(): string {
  return TOOLS.map((spec) =>
    [
      `### \`${spec.name}\`: ${spec.title}`,
      '',
      spec.description,
      '',
      `Annotations: ${hints(spec)}.`,
      '',
      'Arguments:',
      '',
      ...fields(spec.input, true),
      '',
      'Structured result:',
      '',
      ...fields(spec.output, false),
      '',
    ].join('\n'),
  ).join('\n');
}
