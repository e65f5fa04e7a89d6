/** The first message of an MCP session, as a client writes it on the server's stdin. */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'pm-test', version: '1' },
  },
} as const;
