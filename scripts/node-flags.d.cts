/** The Node flags of bin/podlab.cjs's shebang, e.g. ['--max-semi-space-size=32']. */
export function podlabNodeFlags(): string[];
